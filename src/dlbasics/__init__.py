"""dlbasics: the helpers behind the course's notebooks.

The core math and the two models are re-exported here, so ``from dlbasics
import softmax`` and ``from dlbasics import HiddenLayerClassifier`` work;
plots, widgets and data live in their own modules.
"""

from .classifier import LogisticClassifier
from .cross_entropy import cross_entropy, cross_entropy_from_logits, entropy, one_hot
from .initialization import gaussian_init, init_sigma
from .model import gradient_check
from .network import HiddenLayerClassifier
from .numerics import add_repeatedly, compensated_sum, normalize_pixels, standardize
from .softmax import log_softmax, logsumexp, naive_softmax, softmax
from .training import DivergenceError

__all__ = [
    "DivergenceError",
    "HiddenLayerClassifier",
    "LogisticClassifier",
    "add_repeatedly",
    "compensated_sum",
    "cross_entropy",
    "cross_entropy_from_logits",
    "entropy",
    "gaussian_init",
    "gradient_check",
    "init_sigma",
    "log_softmax",
    "logsumexp",
    "naive_softmax",
    "normalize_pixels",
    "one_hot",
    "softmax",
    "standardize",
]
