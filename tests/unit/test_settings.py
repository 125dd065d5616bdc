"""Settings: typed values, nesting under camPolicy, and fallback with a message for invalid values."""

from cam_policy_ls.settings import Settings, read_settings

REGIONS = ["ap-guangzhou", "ap-tokyo"]


def test_nested_section():
    settings, problems = read_settings({"camPolicy": {"defaultUin": "100000000001", "defaultRegion": "ap-tokyo"}}, REGIONS)
    assert settings == Settings("100000000001", "ap-tokyo")
    assert problems == []


def test_flat_section_and_integer_uin():
    settings, _ = read_settings({"defaultUin": 100000000001}, REGIONS)
    assert settings.default_uin == "100000000001"


def test_invalid_values_fall_back():
    settings, problems = read_settings({"defaultUin": "abc", "defaultRegion": "mars-1"}, REGIONS)
    assert settings == Settings()
    assert problems[0].startswith("Invalid camPolicy.defaultUin 'abc'")
    assert problems[1].startswith("Invalid camPolicy.defaultRegion 'mars-1'")


def test_not_an_object():
    settings, problems = read_settings(["x"], REGIONS)
    assert settings == Settings()
    assert len(problems) == 1


def test_missing_is_default():
    assert read_settings(None, REGIONS) == (Settings(), [])
