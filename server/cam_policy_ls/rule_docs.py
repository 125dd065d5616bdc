"""The default level, one line of description and one of help for each diagnostic code, for SARIF rules."""

from __future__ import annotations

from typing import NamedTuple


class RuleDoc(NamedTuple):
    level: str
    """Default SARIF level: error, warning or note. A rule's findings may differ, such as a Warning for a deny."""
    short: str
    help: str


RULE_DOCS: dict[str, RuleDoc] = {
    "json-syntax": RuleDoc(
        "error",
        "The text is not strict JSON.",
        "CAM rejects comments, trailing commas, unquoted text and other JSON extensions. Fix the syntax at the marked place.",
    ),
    "duplicate-key": RuleDoc(
        "error",
        "A key is repeated in one object.",
        "JSON parsers keep only one copy of a repeated key, so the other is silently lost. Merge the copies into one.",
    ),
    "missing-element": RuleDoc(
        "error",
        "A required element is missing.",
        "A policy needs version and statement; a statement needs effect, action and resource (no resource in a trust policy).",
    ),
    "unknown-element": RuleDoc(
        "error",
        "A key that the policy grammar does not have at this level.",
        "Element names are lowercase: version, statement, principal, effect, action, resource, condition.",
    ),
    "invalid-type": RuleDoc(
        "error",
        "An element or list item has the wrong JSON type.",
        "action and resource are a string or a list of strings, condition is an object, statement is a list of objects.",
    ),
    "invalid-version": RuleDoc("error", "The version is not \"2.0\".", "The only policy language version is \"2.0\"."),
    "invalid-effect": RuleDoc("error", "The effect is not allow or deny.", "Write \"allow\" or \"deny\" in lowercase."),
    "invalid-action": RuleDoc(
        "error",
        "A malformed action.",
        "Write actions as service:ApiName or name/service:ApiName, with a lowercase service, as in kms:Encrypt.",
    ),
    "unknown-action": RuleDoc(
        "error",
        "A catalogued service has no API of this name.",
        "Check the spelling against the service's CAM-enabled APIs; the message names the closest ones.",
    ),
    "action-case": RuleDoc(
        "warning",
        "The action matches an API only when case is ignored.",
        "API names are case-sensitive: write the API name as the service documents it.",
    ),
    "wildcard-no-match": RuleDoc(
        "warning",
        "A wildcard matches no API of a catalogued service.",
        "Check the spelling and case of the wildcard, as in kms:Describe*.",
    ),
    "operation-level-resource": RuleDoc(
        "error",
        "An operation-level API in a statement whose resources do not include *.",
        "CAM authorizes operation-level APIs only on resource *, and treats a statement that names specific resources as "
        "not covering them: an allow grants nothing and a deny denies nothing. Move the API to a statement with resource *.",
    ),
    "resource-mismatch": RuleDoc(
        "warning",
        "No resource of the statement matches the API's resource template.",
        "Write a resource of the form the API's template gives, or * for all resources.",
    ),
    "invalid-resource": RuleDoc(
        "error",
        "A resource that is neither * nor a valid six-segment resource.",
        "Write qcs:project:service:region:account:resource with an empty project, as in qcs::kms:ap-guangzhou:uin/100000000001:key/*.",
    ),
    "unknown-region": RuleDoc(
        "warning",
        "The region segment is not a known region id.",
        "Write a current region id such as ap-guangzhou, or leave the segment empty for all regions.",
    ),
    "ip-condition-unsupported": RuleDoc(
        "warning",
        "A qcs:ip condition with an API that does not support IP restriction.",
        "The IP condition is not enforced for such APIs; move them to a statement without the qcs:ip condition.",
    ),
    "unknown-condition-operator": RuleDoc(
        "error",
        "An unknown condition operator.",
        "Operators are such as string_equal or ip_equal, optionally with _if_exist and for_any_value: or for_all_value:.",
    ),
    "unknown-condition-key": RuleDoc(
        "warning",
        "A condition key that is neither global nor of a service in the statement.",
        "Global keys are qcs:current_time, qcs:ip, qcs:resource_tag and qcs:request_tag; service keys start with the service prefix.",
    ),
    "invalid-condition-value": RuleDoc(
        "error",
        "A condition value that cannot fit its operator.",
        "IP operators take addresses or CIDR blocks, date operators ISO 8601 times, numeric ones numbers, tag keys key&value.",
    ),
    "overly-permissive": RuleDoc(
        "warning",
        "An allow of every action, or of a whole service, on every resource with no condition.",
        "List the APIs needed, name the resources, or add a condition.",
    ),
    "redundant-action": RuleDoc(
        "note",
        "An action repeated, or covered by a wildcard, in the same statement.",
        "Remove the redundant action.",
    ),
    "unused-resource": RuleDoc(
        "warning",
        "A resource that no action of its statement can match.",
        "Remove the resource, or move it to a statement with actions of its service and type.",
    ),
    "policy-too-long": RuleDoc(
        "warning",
        "The policy is longer than CAM's limit of 6,144 characters.",
        "Remove whitespace or split the policy into several policies.",
    ),
    "statement-object": RuleDoc(
        "warning",
        "statement is a single object instead of a list.",
        "Write statement as a list of statement objects, as CAM returns it.",
    ),
    "invalid-principal": RuleDoc(
        "error",
        "A principal that is not * or one of the documented forms.",
        "Write {\"qcs\": [\"qcs::cam::uin/<id>:root\"]}, a federated SAML or OIDC provider, or a service domain.",
    ),
    "double-encoded": RuleDoc(
        "warning",
        "A string value that is itself JSON.",
        "Write the array or object itself instead of a string that contains it.",
    ),
    "document-too-large": RuleDoc(
        "warning",
        "The document is too large to analyse.",
        "Documents over 1,000,000 characters are not analysed; CAM accepts at most 6,144 characters per policy.",
    ),
}
