"""Every plot the course draws, one module per topic, all importable from here.

Each interactive plot is a small class: ``__init__`` creates the artists once,
``update(value)`` changes their data and ``animated`` lists the artists that
change, so a slider (``dlbasics.widgets``) can redraw just those. Static twins
draw the same class at a few values side by side. The rendering machinery
(figure grids, PNG encoding, blitting) lives in ``plots.base``; the math the
plots show lives in the core modules (``dlbasics.softmax``, ``cross_entropy``,
``initialization``, ``classifier``).
"""

from .base import show_in_one_draw
from .cross_entropy import (
    TrueClassLoss,
    pipeline_diagram,
    true_class_loss_at,
    true_class_loss_figure,
)
from .initialization import (
    InitialPredictions,
    initial_predictions_at,
    initial_predictions_figure,
    weights_initialization_figure,
)
from .network import (
    DecisionRegions,
    accuracy_gap_figure,
    activation_std_figure,
    decision_regions_at,
    decision_regions_figure,
)
from .numerics import descent_contours, descent_paths_figure, pixels_figure, spacing_figure
from .runs import compare_runs_figure, loss_curves_figure
from .softmax import SoftmaxBars, softmax_bars_at, softmax_bars_figure, softmax_graph
from .trained_model import confusion_matrix_figure, weight_templates_figure
from .training import TrainingCurves, training_curves_at, training_curves_figure

__all__ = [
    "SoftmaxBars",
    "softmax_bars_at",
    "softmax_bars_figure",
    "softmax_graph",
    "TrueClassLoss",
    "pipeline_diagram",
    "true_class_loss_at",
    "true_class_loss_figure",
    "descent_contours",
    "descent_paths_figure",
    "pixels_figure",
    "spacing_figure",
    "InitialPredictions",
    "initial_predictions_at",
    "initial_predictions_figure",
    "weights_initialization_figure",
    "TrainingCurves",
    "compare_runs_figure",
    "confusion_matrix_figure",
    "loss_curves_figure",
    "training_curves_at",
    "training_curves_figure",
    "weight_templates_figure",
    "DecisionRegions",
    "accuracy_gap_figure",
    "activation_std_figure",
    "decision_regions_at",
    "decision_regions_figure",
]

show_in_one_draw()
