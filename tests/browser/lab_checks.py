"""What counts as a failed Run All: pure checks on the executed notebook and the page's facts.

The notebook is the JSON of JupyterLab's own notebook model after Run All (outputs and
execution counts as the learner's file would hold them if saved); the page facts are what
the browser showed per cell (rendered errors, widget placeholders). Each check returns
plain-language problems that name the cell: its index in the notebook, its number among the
code cells, and its first line.
"""

from __future__ import annotations

from typing import Any

WIDGET_MIME = "application/vnd.jupyter.widget-view+json"


def first_line(source: str | list[str], width: int = 80) -> str:
    """The first non-blank line of a cell's source, shortened to ``width`` characters.

    >>> first_line(["\\n", "raw = load_dataset('glue', 'mrpc')\\n", "print(raw)"])
    "raw = load_dataset('glue', 'mrpc')"
    >>> first_line("")
    '(empty)'
    >>> first_line("x = '" + "a" * 100 + "'", width=12)
    "x = 'aaaa..."
    """
    text = "".join(source) if isinstance(source, list) else source
    for line in text.splitlines():
        if line.strip():
            line = line.strip()
            return line if len(line) <= width else line[: width - 3] + "..."
    return "(empty)"


def cell_label(cells: list[dict[str, Any]], index: int) -> str:
    """Name cell ``index`` for a message: ``cell 7 (code cell 5) `first line```.

    >>> cells = [{"cell_type": "markdown", "source": "# T"}, {"cell_type": "code", "source": "x = 1"}]
    >>> cell_label(cells, 1)
    'cell 1 (code cell 1) `x = 1`'
    """
    number = sum(1 for cell in cells[: index + 1] if cell["cell_type"] == "code")
    return f"cell {index} (code cell {number}) `{first_line(cells[index]['source'])}`"


def error_problems(cells: list[dict[str, Any]]) -> list[str]:
    """One problem per error output (``output_type`` ``error``) in a code cell.

    >>> cells = [{"cell_type": "code", "source": "1/0", "execution_count": 1,
    ...           "outputs": [{"output_type": "error", "ename": "ZeroDivisionError",
    ...                        "evalue": "division by zero", "traceback": []}]}]
    >>> error_problems(cells)
    ['cell 0 (code cell 1) `1/0` raised ZeroDivisionError: division by zero']
    """
    problems = []
    for index, cell in enumerate(cells):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                evalue = first_line(output.get("evalue", ""), width=200)
                problems.append(
                    f"{cell_label(cells, index)} raised {output.get('ename')}: {evalue}"
                )
    return problems


def unexecuted_problems(cells: list[dict[str, Any]]) -> list[str]:
    """Code cells that Run All left without an execution count, and out-of-order counts.

    Consecutive unexecuted cells are reported once, as a range, so a notebook stopped at
    cell 5 of 40 gives one line, not 35.

    >>> code = lambda src, n: {"cell_type": "code", "source": src, "execution_count": n}
    >>> unexecuted_problems([code("a", 1), code("b", None), code("c", None), code("", None)])
    ['2 code cells never ran, from cell 1 (code cell 2) `b` to cell 2 (code cell 3) `c`', 'cell 3 (code cell 4) `(empty)` is empty: JupyterLab never runs an empty code cell, delete it']
    >>> unexecuted_problems([code("a", 2), code("b", 1)])
    ['cell 1 (code cell 2) `b` ran out of order: execution count 1 after 2']
    """
    problems, run, last_count = [], [], 0

    def flush() -> None:
        if len(run) == 1:
            problems.append(f"{cell_label(cells, run[0])} never ran")
        elif run:
            first, last = cell_label(cells, run[0]), cell_label(cells, run[-1])
            problems.append(f"{len(run)} code cells never ran, from {first} to {last}")
        run.clear()

    for index, cell in enumerate(cells):
        if cell["cell_type"] != "code":
            continue
        count = cell.get("execution_count")
        if count is None and not "".join(cell["source"]).strip():
            flush()
            problems.append(
                f"{cell_label(cells, index)} is empty: JupyterLab never runs an empty code "
                "cell, delete it"
            )
        elif count is None:
            run.append(index)
        else:
            flush()
            if count <= last_count:
                problems.append(
                    f"{cell_label(cells, index)} ran out of order: execution count {count} "
                    f"after {last_count}"
                )
            last_count = count
    flush()
    return problems


def widget_outputs(cell: dict[str, Any]) -> int:
    """How many of a cell's outputs are widget views (ipywidgets, tqdm.auto bars).

    >>> widget_outputs({"outputs": [{"output_type": "display_data", "data": {WIDGET_MIME: {}}}]})
    1
    """
    return sum(1 for output in cell.get("outputs", []) if WIDGET_MIME in output.get("data", {}))


def widget_problems(cells: list[dict[str, Any]], page_facts: list[dict[str, Any]]) -> list[str]:
    """Widgets the page did not render, and errors the page rendered that the model lacks.

    Args:
        cells: the executed notebook's cells.
        page_facts: one dict per cell, as the page showed it: ``widgetViews`` (rendered
            widget views), ``hidden`` (outputs hidden, as a widget the kernel closed is),
            ``widgetErrors`` (texts starting "Error displaying widget"),
            ``loading`` ("Loading widget..." placeholders left), ``renderedErrors``.

    >>> cells = [{"cell_type": "code", "source": "bar()", "outputs": [
    ...     {"output_type": "display_data", "data": {WIDGET_MIME: {"model_id": "a"}}}]}]
    >>> facts = [{"widgetViews": 0, "hidden": 0, "loading": 0, "renderedErrors": 0,
    ...           "widgetErrors": ["Error displaying widget: model not found"]}]
    >>> widget_problems(cells, facts)
    ['cell 0 (code cell 1) `bar()` shows "Error displaying widget: model not found"']
    >>> widget_problems(cells, [dict(facts[0], widgetErrors=[], loading=1)])
    ['cell 0 (code cell 1) `bar()` still shows "Loading widget..." after the run']
    >>> widget_problems(cells, [dict(facts[0], widgetErrors=[])])[0].endswith("enabled?)")
    True
    """
    if not cells:
        return []
    if len(page_facts) != len(cells):
        return [
            f"the page showed {len(page_facts)} cells but the notebook has {len(cells)}: "
            "the widget and rendering checks could not run"
        ]
    problems = []
    for index, (cell, facts) in enumerate(zip(cells, page_facts)):
        label = cell_label(cells, index)
        problems += [f'{label} shows "{text}"' for text in facts["widgetErrors"]]
        if facts["loading"]:
            problems.append(f'{label} still shows "Loading widget..." after the run')
        expected = widget_outputs(cell)
        accounted = facts["widgetViews"] + facts["hidden"] + len(facts["widgetErrors"])
        if expected > accounted + facts["loading"]:
            problems.append(
                f"{label} has {expected} widget output(s) that the page did not render "
                "as widgets (is jupyterlab_widgets installed, enabled?)"
            )
        model_errors = sum(1 for o in cell.get("outputs", []) if o.get("output_type") == "error")
        if facts["renderedErrors"] > model_errors:
            problems.append(f"{label} shows an error that the notebook model does not hold")
    return problems


def stderr_cells(cells: list[dict[str, Any]]) -> list[str]:
    """Cells that wrote to stderr (the red boxes a learner sees); a note, not a failure.

    >>> stderr_cells([{"cell_type": "code", "source": "warn()", "outputs": [
    ...     {"output_type": "stream", "name": "stderr", "text": "careful"}]}])
    ['cell 0 (code cell 1) `warn()`']
    """
    return [
        cell_label(cells, index)
        for index, cell in enumerate(cells)
        if any(o.get("name") == "stderr" for o in cell.get("outputs", []))
    ]
