"""Markdown descriptions of catalog entries, shared by completion documentation and hover."""

from __future__ import annotations

from cam_policy_ls.catalog import Api, Granularity, IpRestriction, Service

GRANULARITY_LINES = {
    Granularity.OPERATION: "operation level: only `*` is authorized as its resource; "
    "a statement that names a specific resource grants or denies nothing for it",
    Granularity.RESOURCE: "resource level: can be authorized on specific resources",
    Granularity.SERVICE: "service level: access is granted to the whole service",
}

SERVICE_IP = {
    IpRestriction.SUPPORTED: "supported",
    IpRestriction.PARTIAL: "partially supported",
    IpRestriction.UNSUPPORTED: "not supported",
}


def granularity_label(api: Api) -> str:
    return f"{api.granularity.value} level"


def api_summary(api: Api) -> str:
    """Return one line for completion details: description, granularity and IP restriction."""
    ip = "" if api.ip_restriction else ", no IP restriction"
    return f"{api.description} ({granularity_label(api)}{ip})"


def api_markdown(api: Api, service: Service) -> str:
    resources = ", ".join(f"`{template}`" for template in api.resources)
    ip = "supported" if api.ip_restriction else "not supported: a `qcs:ip` condition is not enforced for it"
    return "\n\n".join(
        [
            f"**{api.action}**: {api.description}",
            f"- Category: {api.category.value} operations\n"
            f"- Authorization granularity: {GRANULARITY_LINES[api.granularity]}\n"
            f"- Resource: {resources}\n"
            f"- IP restriction: {ip}",
            service_markdown(service),
        ]
    )


def service_markdown(service: Service) -> str:
    tag = "supported" if service.authorization_by_tag else "not supported"
    return (
        f"*{service.name}* (`{service.abbreviation}`): authorization by tag {tag}; "
        f"service granularity {service.granularity.value} level; "
        f"IP restriction {SERVICE_IP[service.ip_restriction]}. "
        f"Source: [CAM-enabled APIs]({service.source_url}), updated {service.updated}."
    )


def uncatalogued_markdown(service: str) -> str:
    return (
        f"`{service}` has no catalog in this version: its actions are accepted as written, "
        f"and wildcards and resources are not checked against its APIs."
    )
