"""Upstream deprecations are errors in the unit tier (pyproject.toml's filterwarnings).

Each test runs under the filters pytest reads from pyproject.toml, so these show that a
deprecation in the kit's own call fails a test, and that the named library-internal
warnings do not.
"""

from __future__ import annotations

import dataclasses
import warnings

import pytest


def warn_from(module: str, message: str, category: type[Warning]) -> None:
    """Warn as code in ``module`` does: the filters match the module the warning names."""
    code = compile(f"warnings.warn({message!r}, {category.__name__})", f"<{module}>", "exec")
    exec(code, {"__name__": module, "warnings": warnings, category.__name__: category})


def test_a_deprecated_argument_in_a_kit_call_into_transformers_fails(tmp_path):
    from transformers import TrainingArguments

    fields = {f.name for f in dataclasses.fields(TrainingArguments)}
    if "activation_checkpointing" not in fields:
        pytest.skip("this transformers has no deprecated gradient_checkpointing alias")
    # what a kit written against an older transformers would still pass today
    with pytest.raises(FutureWarning, match="gradient_checkpointing"):
        TrainingArguments(output_dir=str(tmp_path), gradient_checkpointing=True, report_to="none")


@pytest.mark.parametrize(
    "module", ["helpers.loops", "tools.lock", "test_x", "transformers.trainer", "datasets.load"]
)
@pytest.mark.parametrize("category", [DeprecationWarning, FutureWarning])
def test_deprecations_named_after_the_kit_or_its_libraries_are_errors(module, category):
    with pytest.raises(category, match="renamed"):
        warn_from(module, "old_name is renamed new_name", category)


def test_the_library_internal_warnings_named_in_pyproject_are_no_errors():
    # an error here would raise; pytest.warns is no use: it records whatever the filters say
    message = "Specifying null_placement in SortOptions is deprecated as of 25.0.0."
    warn_from("pyarrow.compute", message, FutureWarning)
    warn_from("pyspark.sql.session", "an API Python deprecates", DeprecationWarning)


def test_other_warnings_of_the_kit_are_no_errors():
    warn_from("helpers.loops", "no GPU found", UserWarning)
