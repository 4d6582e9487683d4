"""``make tpu-smoke``: chapter 3's ``training_function`` through ``notebook_launcher``'s TPU branch.

No TPU is needed: torch-xla's PJRT runs on the CPU (``PJRT_DEVICE=CPU``, one replica), and
``KAGGLE_KERNEL_RUN_TYPE`` plus ``TPU_NAME`` make ``notebook_launcher`` take the branch a
learner on a Kaggle or Colab TPU gets (``xmp.spawn``, forked). Runs in ``.venv-xla`` (pinned
torch and torch-xla). Asserts ``DistributedType.XLA``, every validation sample evaluated
exactly once and finite metrics, and prints the XLA device, the number of graphs XLA compiled
with the padding ``training_function`` uses on XLA and without it, and the evaluated count.
"""

from __future__ import annotations

import json
import math
import os
import sys
import tempfile
from pathlib import Path

SMOKE_ENV = {
    "KAGGLE_KERNEL_RUN_TYPE": "Interactive",  # notebook_launcher: "this is a Kaggle kernel"
    "TPU_NAME": "smoke",  # ... with a TPU attached
    "PJRT_DEVICE": "CPU",  # which torch-xla runs on the CPU's PJRT device
    "CPU_NUM_DEVICES": "1",  # one replica
    "COURSE_PROFILE": "embedded",
    "HF_HUB_OFFLINE": "1",
}


def measured(padded: bool, report: str, *args) -> None:
    """Run ``helpers.training_function`` in a launched process; record what XLA compiled."""
    import torch_xla
    import torch_xla.debug.metrics as met
    import transformers

    import helpers

    if not padded:  # what the loop did before: every batch padded to its own longest pair

        class Unpadded(transformers.DataCollatorWithPadding):
            def __init__(self, tokenizer, pad_to_multiple_of=None, **kwargs):
                super().__init__(tokenizer, pad_to_multiple_of=None, **kwargs)

        transformers.DataCollatorWithPadding = Unpadded
    result = helpers.training_function(*args)
    compiles = met.metric_data("CompileTime")
    Path(report).write_text(
        json.dumps(
            {
                "device": str(torch_xla.device()),
                "compiles": compiles[0] if compiles else 0,
                **{k: v for k, v in result.items() if k != "train_losses"},
                "finite_losses": all(math.isfinite(x) for x in result["train_losses"]),
            }
        )
    )


def main() -> int:
    os.environ.update(SMOKE_ENV)
    from accelerate import notebook_launcher

    import helpers

    # what a learner's chapter 3 runs first; it turns Hub kernels off (transformers 5.25+ would
    # kernelize for the device type "xla" at model.train() and fail: helpers.hub_kernels)
    helpers.setup("embedded", progress_bars=False)
    assert os.environ.get("USE_HUB_KERNELS") == "NO", "helpers.setup() left Hub kernels on"

    checkpoint = helpers.model_checkpoint(helpers.get_profile("embedded"), "mrpc")
    raw_datasets = helpers.load_mrpc()
    expected = len(raw_datasets["validation"])
    reports = {}
    for padded in (True, False):
        folder = Path(tempfile.mkdtemp(prefix="tpu-smoke-"))
        report = folder / "report.json"
        # checkpoint, data, 1 epoch, lr, batch size 8, seed, precision, metrics file
        args = (checkpoint, raw_datasets, 1, 3e-3, 8, 42, "no", str(folder / "metrics.json"))
        notebook_launcher(measured, args=(padded, str(report), *args))
        reports[padded] = json.loads(report.read_text())
    padded = reports[True]
    assert padded["distributed_type"] == "XLA", padded["distributed_type"]
    assert padded["eval_samples"] == expected, (padded["eval_samples"], expected)
    assert math.isfinite(padded["accuracy"]) and math.isfinite(padded["f1"])
    assert padded["finite_losses"]
    assert reports[False]["eval_samples"] == expected
    print(
        f"XLA device: {padded['device']} ({padded['num_processes']} process, DistributedType.XLA)"
    )
    print(
        f"graphs compiled: {padded['compiles']} with pad_to_multiple_of=32, "
        f"{reports[False]['compiles']} without (one per batch shape)"
    )
    print(
        f"evaluated {padded['eval_samples']} of {expected} validation samples once each; "
        f"accuracy {padded['accuracy']:.3f}, F1 {padded['f1']:.3f}"
    )
    print("tpu-smoke passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
