"""nbgrader's Execute step, made to grade a submission that loops forever or kills its kernel.

nbgrader interrupts a cell that runs past ``Execute.timeout`` and goes on with the next one,
which waits the whole timeout again when the kernel ignores the interrupt; a kernel that
dies (``os._exit`` in an answer cell) stops the submission with an error, and it is not
graded at all. Here either ends that submission's run where it happened: the cell gets an
error output, every later code cell an output saying it did not run, so its test cells
score 0 and those before keep their points; then nbgrader goes on with the class.
Named in the course's ``nbgrader_config.py`` (``c.Autograde.autograde_preprocessors``).
"""

from __future__ import annotations

from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbformat import NotebookNode
from nbgrader.preprocessors import Execute, NbGraderPreprocessor
from nbgrader.preprocessors.execute import UnresponsiveKernelError


def _error(name: str, message: str) -> NotebookNode:
    return NotebookNode(
        output_type="error", ename=name, evalue=message, traceback=[f"{name}: {message}"]
    )


class GradingExecute(Execute):
    """``Execute`` that ends a submission's run at a timeout or a dead kernel, graded."""

    def preprocess(self, nb, resources=None, km=None):
        self._stopped = ""
        try:
            return super().preprocess(nb, resources, km)
        except (DeadKernelError, RuntimeError) as error:
            # shutting down a kernel that is already gone may raise: the cells are marked
            if not self._stopped:
                raise
            self.log.warning("after %s: %s", self._stopped, error)
            return self.nb, self.resources

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code":
            return cell, resources
        if self._stopped:
            cell.outputs = [_error("NotRun", self._stopped)]
            return cell, resources
        try:
            cell, resources = super().preprocess_cell(cell, resources, index)
        except (DeadKernelError, CellTimeoutError, UnresponsiveKernelError) as error:
            name = type(error).__name__
            cell.outputs.append(_error(name, f"{error} (cell {index})"))
            self._stopped = f"not run: the kernel stopped answering in cell {index} ({name})"
            self.log.warning("submission stopped at cell %d: %s", index, name)
            return cell, resources
        if any(o.get("ename") == "CellTimeoutError" for o in cell.outputs):
            self._stopped = f"not run: cell {index} ran past the {self.timeout} s timeout"
            self.log.warning("cell %d ran past the %s s timeout", index, self.timeout)
        return cell, resources


class ShortTracebacks(NbGraderPreprocessor):
    """For the feedback pages: an error in a test cell shows as its message alone, the kit's
    feedback, not as a traceback whose context lines would show the hidden tests' inputs."""

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("grade"):
            for output in cell.outputs:
                if output.output_type == "error":
                    output.traceback = [f"{output.ename}: {output.evalue}"]
        return cell, resources
