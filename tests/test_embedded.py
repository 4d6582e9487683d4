from helpers.embedded import write_embedded
from helpers.profiles import EMBEDDED_DIR


def test_shipped_sample_is_what_the_generator_writes(tmp_path):
    write_embedded(tmp_path)
    shipped = sorted(p.relative_to(EMBEDDED_DIR) for p in EMBEDDED_DIR.rglob("*") if p.is_file())
    fresh = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    assert shipped == fresh
    for name in shipped:
        assert (EMBEDDED_DIR / name).read_text() == (tmp_path / name).read_text(), name
