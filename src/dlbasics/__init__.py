"""dlbasics: the helpers behind the course's notebooks.

The core math is re-exported here, so ``from dlbasics import softmax`` works;
plots, widgets, data and the classifier live in their own modules.
"""

from .cross_entropy import cross_entropy, cross_entropy_from_logits, entropy, one_hot
from .initialization import gaussian_init, init_sigma
from .numerics import add_repeatedly, compensated_sum, normalize_pixels, standardize
from .softmax import log_softmax, logsumexp, naive_softmax, softmax

__all__ = [
    "add_repeatedly",
    "compensated_sum",
    "cross_entropy",
    "cross_entropy_from_logits",
    "entropy",
    "gaussian_init",
    "init_sigma",
    "log_softmax",
    "logsumexp",
    "naive_softmax",
    "normalize_pixels",
    "one_hot",
    "softmax",
    "standardize",
]
