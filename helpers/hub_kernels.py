"""Hub kernels and the TPU path: models load without them where torch-xla runs.

Since transformers 5.25 (with its new dependency ``kernels`` 0.19), ``from_pretrained`` turns
``use_kernels`` on by default, and every ``model.train()`` or ``model.eval()`` that changes the
mode kernelizes the model again for the device its weights are on. ``kernels`` knows the
device types cpu, cuda, mps, neuron, npu, rocm, tpu and xpu, but not ``xla``, the type of
torch-xla's tensors on a Colab or Kaggle TPU: the first ``model.train()`` after
``accelerator.prepare`` (chapter 3) or inside the ``Trainer`` (chapters 2 and 4) raises
``ValueError: Unsupported device type 'xla'``.

The kit's models (BERT) have no layer that a Hub kernel replaces: on cpu and cuda
kernelizing walks the modules and changes nothing, downloads nothing (see docs/versions.md
for what was measured). So where torch-xla is installed the kit turns Hub kernels off with
transformers' own switch, the environment variable ``USE_HUB_KERNELS`` (read by every
``from_pretrained`` since transformers 5.0; older releases never kernelize by default).
"""

from __future__ import annotations

import importlib.util
import os

SWITCH = "USE_HUB_KERNELS"
# the values transformers reads as "on" (``is_env_variable_true``); any other value is off
ON = {"true", "1", "y", "yes", "on"}


def hub_kernels_off_on_xla(xla: bool | None = None) -> bool:
    """Where torch-xla runs (a TPU), make models load without Hub kernels.

    Sets ``USE_HUB_KERNELS=NO`` for this process and the processes it starts (a launcher's
    forks inherit it), unless it is set already: a value you chose stays.

    Args:
        xla: whether this runtime's devices are torch-xla's; None: whether ``torch_xla`` is
            installed (it is on Colab's and Kaggle's TPU runtimes, and in ``.venv-xla``).

    Returns:
        True when models loaded from now on get no Hub kernels.

    >>> import os
    >>> saved = os.environ.pop("USE_HUB_KERNELS", None)
    >>> hub_kernels_off_on_xla(xla=False), os.environ.get("USE_HUB_KERNELS")
    (False, None)
    >>> hub_kernels_off_on_xla(xla=True), os.environ.pop("USE_HUB_KERNELS")
    (True, 'NO')
    >>> _ = saved is None or os.environ.setdefault("USE_HUB_KERNELS", saved)

    Used in: ``helpers.setup`` (every notebook), the training script.
    """
    if xla is None:
        xla = importlib.util.find_spec("torch_xla") is not None
    if xla:
        os.environ.setdefault(SWITCH, "NO")
    return os.environ.get(SWITCH, "yes").lower() not in ON


__all__ = ["hub_kernels_off_on_xla"]
