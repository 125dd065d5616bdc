"""The bundled catalog against the KMS CAM documentation page, and catalog validation errors."""

from pathlib import Path

import pytest

from cam_policy_ls.catalog import CatalogError, Granularity, IpRestriction, load_catalog

RESOURCE = Granularity.RESOURCE
OPERATION = Granularity.OPERATION

KEY = "qcs::kms:${region}:uin/${uin}:key/creatorUin/${creatorUin}/${keyId}"
DATA_KEY = "qcs::kms::uin/${uin}:key/creatorUin/${creatorUin}/${dataKeyId}"
DATA_KEY_BY_KEY_ID = "qcs::kms::uin/${uin}:key/creatorUin/${creatorUin}/${keyId}"
KEYS_OF_CREATOR = "qcs::kms:${region}:uin/${uin}:key/creatorUin/${creatorUin}/*"
ALL_KEYS = "qcs::kms:${region}:uin/${uin}:key/*"
SERVICE = "qcs::kms::uin/${uin}:kmsservice/*"
ANY = "*"

# Every row of the KMS page (updated 2026-04-03): API, granularity, resource, IP restriction supported.
KMS_PAGE = [
    ("ArchiveKey", RESOURCE, KEY, True),
    ("AsymmetricRsaDecrypt", RESOURCE, KEY, True),
    ("AsymmetricSm2Decrypt", RESOURCE, KEY, True),
    ("BindCloudResource", RESOURCE, KEY, False),
    ("CancelDataKeyDeletion", RESOURCE, DATA_KEY, True),
    ("CancelKeyArchive", RESOURCE, KEY, True),
    ("CancelKeyDeletion", RESOURCE, KEY, True),
    ("CreateKey", RESOURCE, KEYS_OF_CREATOR, True),
    ("CreateWhiteBoxKey", RESOURCE, ALL_KEYS, True),
    ("Decrypt", OPERATION, ANY, True),
    ("DeleteImportedKeyMaterial", RESOURCE, KEY, True),
    ("DeleteWhiteBoxKey", RESOURCE, KEY, True),
    ("DisableDataKey", RESOURCE, DATA_KEY, True),
    ("DisableDataKeys", RESOURCE, DATA_KEY, True),
    ("DisableTrustedService", OPERATION, ANY, False),
    ("DisableWhiteBoxKey", RESOURCE, KEY, True),
    ("DisableWhiteBoxKeys", RESOURCE, KEY, True),
    ("EnableDataKey", RESOURCE, DATA_KEY, True),
    ("EnableDataKeys", RESOURCE, DATA_KEY, True),
    ("EnableTrustedService", OPERATION, ANY, True),
    ("EnableWhiteBoxKey", RESOURCE, KEY, True),
    ("EnableWhiteBoxKeys", RESOURCE, KEY, True),
    ("Encrypt", RESOURCE, KEY, True),
    ("EncryptByWhiteBox", RESOURCE, KEY, True),
    ("GenerateDataKey", RESOURCE, KEY, True),
    ("GenerateRandom", OPERATION, ANY, True),
    ("ImportDataKey", RESOURCE, DATA_KEY_BY_KEY_ID, True),
    ("ImportKeyMaterial", RESOURCE, KEY, True),
    ("ModifySyncTask", OPERATION, ANY, True),
    ("OverwriteWhiteBoxDeviceFingerprints", RESOURCE, KEY, True),
    ("ReEncrypt", RESOURCE, KEY, True),
    ("ScheduleDataKeyDeletion", RESOURCE, DATA_KEY, True),
    ("ScheduleKeyDeletion", RESOURCE, KEY, True),
    ("SetKeyAttributes", RESOURCE, KEY, False),
    ("SignByAsymmetricKey", RESOURCE, KEY, True),
    ("UnbindCloudResource", RESOURCE, KEY, True),
    ("UpdateDataKeyDescription", RESOURCE, DATA_KEY, True),
    ("UpdateDataKeyName", RESOURCE, DATA_KEY, True),
    ("VerifyByAsymmetricKey", RESOURCE, KEY, True),
    ("DescribeDataKey", RESOURCE, DATA_KEY, True),
    ("DescribeDataKeys", RESOURCE, DATA_KEY, True),
    ("DescribeKey", RESOURCE, KEY, True),
    ("DescribeKeys", RESOURCE, KEY, True),
    ("DescribeWhiteBoxDecryptKey", RESOURCE, KEY, True),
    ("DescribeWhiteBoxKey", RESOURCE, KEY, True),
    ("DescribeWhiteBoxServiceStatus", OPERATION, ANY, True),
    ("DisableKey", OPERATION, ANY, True),
    ("DisableKeyRotation", OPERATION, ANY, True),
    ("DisableKeys", OPERATION, ANY, True),
    ("EnableKey", OPERATION, ANY, True),
    ("EnableKeyRotation", OPERATION, ANY, True),
    ("EnableKeys", OPERATION, ANY, True),
    ("GetDataKeyCiphertextBlob", RESOURCE, DATA_KEY, True),
    ("GetDataKeyPlaintext", RESOURCE, DATA_KEY, True),
    ("GetEncryptionSDKDownloadLink", OPERATION, ANY, True),
    ("GetKeyAttributes", RESOURCE, KEY, False),
    ("GetKeyRotationStatus", RESOURCE, KEY, True),
    ("GetParametersForImport", RESOURCE, KEY, True),
    ("GetPublicKey", RESOURCE, KEY, True),
    ("GetRegions", OPERATION, ANY, True),
    ("GetSDKDownloadLink", OPERATION, ANY, True),
    ("GetServiceStatus", OPERATION, ANY, True),
    ("GetSyncSupportRegion", OPERATION, ANY, True),
    ("GetUserStatus", OPERATION, ANY, True),
    ("ListAlgorithms", OPERATION, ANY, True),
    ("ListDataKeyDetail", OPERATION, ANY, True),
    ("ListDataKeys", OPERATION, ANY, True),
    ("ListEncryptionSDKVariants", OPERATION, ANY, True),
    ("ListKeyDetail", OPERATION, ANY, True),
    ("ListKeys", OPERATION, ANY, True),
    ("ListMultiAccountMembers", OPERATION, ANY, True),
    ("ListSDKVariants", OPERATION, ANY, True),
    ("UpdateAlias", OPERATION, ANY, True),
    ("UpdateKeyDescription", OPERATION, ANY, True),
    ("DescribeMonitorActionList", OPERATION, ANY, True),
    ("DescribeResourceIds", OPERATION, ANY, True),
    ("DescribeServiceList", RESOURCE, SERVICE, True),
    ("DescribeWhiteBoxDeviceFingerprints", RESOURCE, KEY, True),
    ("DescribeWhiteBoxKeyDetails", RESOURCE, KEY, True),
    ("ListKey", OPERATION, ANY, False),
    ("ListKmsPremiumInstances", OPERATION, ANY, True),
    ("PostQuantumCryptoDecrypt", RESOURCE, KEY, True),
    ("PostQuantumCryptoEncrypt", RESOURCE, KEY, True),
    ("PostQuantumCryptoSign", RESOURCE, KEY, True),
    ("PostQuantumCryptoVerify", RESOURCE, KEY, True),
]


@pytest.fixture(scope="module")
def catalog():
    return load_catalog()


def test_kms_api_count(catalog):
    assert len(catalog.services["kms"].apis) == 85


def test_kms_granularity_counts(catalog):
    apis = catalog.services["kms"].apis.values()
    assert sum(api.granularity is RESOURCE for api in apis) == 53
    assert sum(api.granularity is OPERATION for api in apis) == 32


def test_kms_ip_restriction_count(catalog):
    unsupported = sorted(api.name for api in catalog.services["kms"].apis.values() if not api.ip_restriction)
    assert unsupported == ["BindCloudResource", "DisableTrustedService", "GetKeyAttributes", "ListKey", "SetKeyAttributes"]


@pytest.mark.parametrize(("name", "granularity", "resource", "ip_restriction"), KMS_PAGE, ids=[row[0] for row in KMS_PAGE])
def test_kms_api_matches_page(catalog, name, granularity, resource, ip_restriction):
    api = catalog.services["kms"].apis[name]
    assert api.granularity is granularity
    assert api.resources == (resource,)
    assert api.ip_restriction is ip_restriction


def test_kms_page_order_kept(catalog):
    assert list(catalog.services["kms"].apis) == [row[0] for row in KMS_PAGE]


def test_kms_service_facts(catalog):
    kms = catalog.services["kms"]
    assert kms.abbreviation == "kms"
    assert kms.authorization_by_tag is True
    assert kms.granularity is Granularity.RESOURCE
    assert kms.ip_restriction is IpRestriction.PARTIAL
    assert kms.updated == "2026-04-03"
    assert kms.source_url == "https://www.tencentcloud.com/document/product/598/57129"


def test_data_key_typo_fixed(catalog):
    assert catalog.services["kms"].apis["EnableDataKey"].resources == (DATA_KEY,)


def test_language_facts(catalog):
    assert list(catalog.elements["policy"]) == ["version", "statement", "principal"]
    assert list(catalog.elements["statement"]) == ["effect", "action", "resource", "condition", "principal"]
    assert catalog.operators["null_equal"].if_exist is False
    assert catalog.operators["ip_equal"].type == "ip"
    assert catalog.condition_keys["qcs:current_time"].type == "date"
    assert "ap-guangzhou" in catalog.regions
    assert catalog.legacy_regions["gz"].region == "ap-guangzhou"


def test_wildcard_match(catalog):
    names = [api.name for api in catalog.services["kms"].match("Describe*Key")]
    assert names == ["DescribeDataKey", "DescribeKey", "DescribeWhiteBoxDecryptKey", "DescribeWhiteBoxKey"]


def _catalog_dir(tmp_path: Path, service_yaml: str) -> Path:
    bundled = Path(__file__).resolve().parents[2] / "catalog"
    (tmp_path / "language.yaml").write_text((bundled / "language.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "svc.yaml").write_text(service_yaml, encoding="utf-8")
    return tmp_path


SERVICE_HEAD = """\
service: {name: Demo, abbreviation: demo, console_access: true, authorization_by_tag: false,
          granularity: resource, ip_restriction: supported}
source: {url: "https://example.invalid/demo", updated: "2026-01-01"}
"""

MALFORMED = [
    ("apis:\n  - {name: Run, description: Run it, category: write, granularity: opration, resources: ['*'], ip_restriction: true}\n",
     "svc.yaml: apis[0] (Run): field 'granularity': expected one of service, operation, resource, got 'opration'"),
    ("apis:\n  - {name: Run, description: Run it, category: write, granularity: resource, resources: ['qcs::demo'], ip_restriction: true}\n",
     "svc.yaml: apis[0] (Run): field 'resources': 'qcs::demo' is not a six-segment resource"),
    ("apis:\n  - {name: Run, category: write, granularity: operation, resources: ['*'], ip_restriction: true}\n",
     "svc.yaml: apis[0] (Run): field 'description': missing"),
    ("apis:\n  - {name: Run, description: Run it, category: write, granularity: operation, resources: ['*'], ip_restriction: yes please}\n",
     "svc.yaml: apis[0] (Run): field 'ip_restriction': expected true or false, got 'yes please'"),
    ("apis:\n  - {name: Run, description: Run it, category: write, granularity: operation, resources: ['qcs::demo:::x/*'], ip_restriction: true}\n",
     "svc.yaml: apis[0] (Run): field 'resources': an operation-level API has the resource \"*\""),
    ("apis: [\n", "svc.yaml: cannot be read"),
]


@pytest.mark.parametrize(("apis", "message"), MALFORMED)
def test_malformed_catalog_names_field(tmp_path, apis, message):
    directory = _catalog_dir(tmp_path, SERVICE_HEAD + apis)
    with pytest.raises(CatalogError) as error:
        load_catalog(directory)
    assert str(error.value).startswith(message)


def test_missing_language_file(tmp_path):
    with pytest.raises(CatalogError) as error:
        load_catalog(tmp_path)
    assert "language.yaml" in str(error.value)


DEMO_SERVICE = SERVICE_HEAD + (
    "apis:\n"
    "  - {name: RunJob, description: Run a job, category: write, granularity: resource,"
    " resources: ['qcs::demo:${region}:uin/${uin}:job/${jobId}'], ip_restriction: true}\n"
)


def test_extra_catalog_adds_service(tmp_path):
    (tmp_path / "demo.yaml").write_text(DEMO_SERVICE, encoding="utf-8")
    catalog = load_catalog(extra_directories=[tmp_path])
    assert sorted(catalog.services) == ["demo", "kms"]
    assert catalog.api("demo", "RunJob").resources == ("qcs::demo:${region}:uin/${uin}:job/${jobId}",)


def test_extra_catalog_duplicate_service(tmp_path):
    bundled = Path(__file__).resolve().parents[2] / "catalog" / "kms.yaml"
    (tmp_path / "kms.yaml").write_text(bundled.read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(CatalogError) as error:
        load_catalog(extra_directories=[tmp_path])
    assert "service 'kms' is already defined in" in str(error.value)


def test_extra_catalog_missing_folder(tmp_path):
    with pytest.raises(CatalogError) as error:
        load_catalog(extra_directories=[tmp_path / "absent"])
    assert str(error.value) == f"{tmp_path / 'absent'}: catalog folder not found"


def test_yaml_tags_not_evaluated(tmp_path):
    hostile = SERVICE_HEAD + "apis: !!python/object/apply:os.system ['touch " + str(tmp_path / "ran") + "']\n"
    directory = _catalog_dir(tmp_path, hostile)
    with pytest.raises(CatalogError) as error:
        load_catalog(directory)
    assert "cannot be read" in str(error.value)
    assert not (tmp_path / "ran").exists()
