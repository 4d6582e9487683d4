"""The one setup call each notebook makes first: seed, quiet logs, the profile banner."""

from __future__ import annotations

import logging
import os

from helpers.profiles import Profile, banner, get_profile


def setup(profile: str | None = None, seed: int = 42, progress_bars: bool | None = None) -> Profile:
    """Seed everything, quieten library logs, pick the profile and print its banner.

    Args:
        profile: ``"embedded"``, ``"laptop"`` or ``"full"``; None uses ``COURSE_PROFILE`` or
            chooses from what this machine can reach (see ``helpers.profiles``).
        seed: seeds Python, NumPy and PyTorch (``transformers.set_seed``).
        progress_bars: show tqdm bars; default on, off under CI (``CI`` set), where they only
            fill the logs.

    ``COURSE_NUM_THREADS`` sets PyTorch's threads; the embedded profile uses one.

    Returns:
        The active ``Profile``.

    Used in: every notebook's first code cell.
    """
    import datasets
    import transformers

    transformers.set_seed(seed)
    # warnings stay visible; info-level chatter (weight-loading reports, cache hits) does not
    transformers.logging.set_verbosity_warning()
    datasets.logging.set_verbosity_warning()
    logging.getLogger("py4j").setLevel(logging.ERROR)
    if progress_bars is None:
        progress_bars = not os.environ.get("CI")
    if progress_bars:
        datasets.enable_progress_bars()
        transformers.utils.logging.enable_progress_bar()
    else:
        datasets.disable_progress_bars()
        transformers.utils.logging.disable_progress_bar()
    active = get_profile(profile)
    threads = os.environ.get("COURSE_NUM_THREADS")
    if threads or active.is_toy:
        import torch

        # The tiny model's small operations run faster on one thread than on two threads
        # that wait for each other, and the other core stays free (for Spark's workers, say).
        torch.set_num_threads(int(threads or 1))
    print(banner(active))
    return active


def headline(**metrics: float) -> str:
    """Print the chapter's headline numbers on one line that ``make course`` collects.

    >>> _ = headline(accuracy=0.81234, f1=0.87)
    Headline: accuracy=0.812, f1=0.870

    Used in: the last cells of every notebook.
    """
    text = "Headline: " + ", ".join(
        f"{k}={v:.3f}" if isinstance(v, float) else f"{k}={v}" for k, v in metrics.items()
    )
    print(text)
    return text


__all__ = ["headline", "setup"]
