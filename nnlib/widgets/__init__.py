"""Interactive explorers for the chapters (live in Jupyter/Colab, a frame player in the book).

Building blocks (see explorer.py for how to write a new explorer):
    Explorer                 controls + setup(fig) + draw(state, **values)
    Slider, Choice, Toggle   the control specifications

Explorers:
    neuron_explorer   chapter 02: one neuron, z = w1·x1 + w2·x2 + b; sliders for w1, w2, b,
                      a drop-down for g; the plane shaded by g(z), the line z = 0, the accuracy
"""
from .explorer import Choice, Explorer, Slider, Toggle
from .neuron import neuron_explorer

__all__ = ["Explorer", "Slider", "Choice", "Toggle", "neuron_explorer"]
