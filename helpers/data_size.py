"""A data set's size before it is downloaded: the course's ``print_dataset_size_if_provided``.

Only the data set's card and metadata are read, never the data; offline, a Hub id fails at
once with the fix instead of waiting on the network.
"""

from __future__ import annotations

from datasets import load_dataset_builder

from helpers.profiles import is_local, require_hub


def bytes2human(n: int) -> str:
    """A byte count the way ``psutil`` writes it, without importing psutil's private module.

    >>> bytes2human(10000)
    '9.8K'
    >>> bytes2human(100001221)
    '95.4M'
    >>> bytes2human(512)
    '512B'
    """
    symbols = ("K", "M", "G", "T", "P", "E", "Z", "Y")
    prefix = {s: 1 << (i + 1) * 10 for i, s in enumerate(symbols)}
    for symbol in reversed(symbols):
        if abs(n) >= prefix[symbol]:
            return f"{n / prefix[symbol]:.1f}{symbol}"
    return f"{n}B"


def require_hub_for_builder(*args, **kwargs) -> None:
    """Fail at once, with the fix, when ``load_dataset_builder(*args, **kwargs)`` needs the Hub offline.

    Local folders and the packaged builders (``"json"``, ``"csv"``... with ``data_files``)
    never need it.

    >>> require_hub_for_builder("json", data_files="train.jsonl")

    Used in: ``print_dataset_size_if_provided`` (01_data_loading).
    """
    from datasets.packaged_modules import _PACKAGED_DATASETS_MODULES

    source = str(args[0]) if args else str(kwargs.get("path", ""))
    if source and not is_local(source) and source not in _PACKAGED_DATASETS_MODULES:
        require_hub(f"the size of {source!r}")


def print_dataset_size_if_provided(*args, **kwargs) -> tuple[int, int] | None:
    """Print a data set's download and on-disk size before downloading it, when its card says.

    Takes the arguments of ``datasets.load_dataset_builder`` (a Hub id, a local folder, a
    builder name with ``data_files``...). Only the metadata is read, never the data.

    Returns:
        ``(download_size, dataset_size)`` in bytes, or None when the uploader gave no sizes.

    Used in: 01_data_loading (the notebook's cell is this function's twin).
    """
    require_hub_for_builder(*args, **kwargs)  # offline: a clear error, not a long wait
    # reads the data set's card and metadata only, never the data
    dataset_builder = load_dataset_builder(*args, **kwargs)
    info = dataset_builder.info
    if info.download_size and info.dataset_size:
        download_size = bytes2human(info.download_size)
        dataset_size = bytes2human(info.dataset_size)
        print(f"download_size={download_size}, dataset_size={dataset_size}")
        return info.download_size, info.dataset_size
    print("Dataset size is not provided by uploader")
    return None


__all__ = ["bytes2human", "print_dataset_size_if_provided", "require_hub_for_builder"]
