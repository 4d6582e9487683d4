"""Hub kernels off: the kit's models train and evaluate with PyTorch's own layers, offline too.

Since transformers 5.25 (with its new dependency ``kernels`` 0.19), ``from_pretrained`` turns
``use_kernels`` on by default, and every ``model.train()`` or ``model.eval()`` that changes the
mode kernelizes the model again for the device its weights are on. For the kit's BERT models
that means (docs/versions.md has the measurements):

- on a TPU (device type ``xla``): ``kernels`` knows cpu, cuda, mps, neuron, npu, rocm, tpu and
  xpu, not ``xla``, so the first ``model.train()`` after ``accelerator.prepare`` (chapter 3) or
  in the ``Trainer`` (chapters 2 and 4) raises ``ValueError: Unsupported device type 'xla'``;
- on a GPU (cuda, rocm, xpu): ``model.eval()`` replaces BERT's GELU with a kernel downloaded
  from the Hub (``kernels-community/activation``); offline that raises ``ValueError`` (not in
  the local cache), and where the Hub cannot be reached it fails after a network attempt;
- on a CPU: nothing is mapped; each mode change walks the modules (about a millisecond).

A faster GELU in evaluation is not worth a download and a failure offline, so the kit turns
Hub kernels off with transformers' own switch, the environment variable ``USE_HUB_KERNELS``
(read by every ``from_pretrained`` since transformers 5.0; older releases never kernelize
by default).
"""

from __future__ import annotations

import os

SWITCH = "USE_HUB_KERNELS"
# the values transformers reads as "on" (``is_env_variable_true``); any other value is off
ON = {"true", "1", "y", "yes", "on"}


def hub_kernels_off() -> bool:
    """Make models loaded from now on use PyTorch's layers, not kernels from the Hub.

    Sets ``USE_HUB_KERNELS=NO`` for this process and the processes it starts (a launcher's
    forks and spawned processes inherit it), unless it is set already: a value you chose
    stays (``USE_HUB_KERNELS=YES`` turns them back on, on a GPU with the Hub reachable).

    Returns:
        True when models loaded from now on get no Hub kernels.

    >>> import os
    >>> saved = os.environ.pop("USE_HUB_KERNELS", None)
    >>> hub_kernels_off(), os.environ.pop("USE_HUB_KERNELS")
    (True, 'NO')
    >>> os.environ["USE_HUB_KERNELS"] = "yes"
    >>> hub_kernels_off(), os.environ.pop("USE_HUB_KERNELS")
    (False, 'yes')
    >>> _ = saved is None or os.environ.setdefault("USE_HUB_KERNELS", saved)

    Used in: ``helpers.setup`` (every notebook), the training script.
    """
    os.environ.setdefault(SWITCH, "NO")
    return os.environ[SWITCH].lower() not in ON


__all__ = ["hub_kernels_off"]
