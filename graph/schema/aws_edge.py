"""AWS edge node kinds and relationship types: CloudFront distributions, Route53 hosted zones and records
(global: region ``global``), API Gateway REST and HTTP APIs and ACM certificates (regional)."""

from __future__ import annotations

from graph.schema.model import FREE, EntryPoint, NodeKind, Property, RelType

P = Property

CLOUDFRONT_DISTRIBUTION = NodeKind(
    label="CloudFrontDistribution",
    provider="aws",
    service="cloudfront",
    description="A CloudFront distribution: a CDN endpoint in front of one or more origins.",
    properties=(
        P("distribution_id", "string", "Distribution id (E...).", indexed=True),
        P("domain_name", "string", "CloudFront domain name (d....cloudfront.net).", indexed=True),
        P("aliases", "string[]", "Alternate domain names (CNAMEs)."),
        P("enabled", "bool", "Whether the distribution serves requests."),
        P("status", "string", "Deployed or InProgress."),
        P("price_class", "string", "PriceClass_All, PriceClass_200 or PriceClass_100."),
        P("viewer_protocol_policy", "string", "Default behaviour: allow-all, redirect-to-https or https-only."),
        P("minimum_protocol_version", "string", "Oldest TLS version viewers may use (TLSv1, TLSv1.2_2021, ...)."),
        P("web_acl_id", "string", "WAF web ACL protecting the distribution, when any."),
        P("origins", "string[]", "Origin domain names."),
        P("origin_types", "string[]", "Per origin (same order): s3 or custom."),
        P("http_version", "string", "Highest HTTP version served."),
        P("comment", "string", "The distribution's comment."),
        P("last_modified", "datetime", "When the distribution was last changed."),
    ),
    entry_point=EntryPoint(3),
)

ROUTE53_HOSTED_ZONE = NodeKind(
    label="Route53HostedZone",
    provider="aws",
    service="route53",
    description="A Route53 hosted zone: public (internet) or private (associated VPCs).",
    properties=(
        P("zone_id", "string", "Hosted zone id (Z...).", indexed=True),
        P("zone_name", "string", "Domain name of the zone, with its trailing dot.", indexed=True),
        P("private_zone", "bool", "Whether the zone answers only inside its associated VPCs.", indexed=True),
        P("record_count", "int", "Number of record sets, as Route53 reports it."),
        P("comment", "string", "The zone's comment."),
        P("vpc_ids", "string[]", "VPCs a private zone is associated with."),
    ),
    billing="hosted_zone",
)

ROUTE53_RECORD = NodeKind(
    label="Route53Record",
    provider="aws",
    service="route53",
    description="A Route53 record set: a name and type with values or an alias target.",
    properties=(
        P("zone_id", "string", "Hosted zone the record belongs to."),
        P("record_name", "string", "Record name, with its trailing dot.", indexed=True),
        P("record_type", "string", "A, AAAA, CNAME, MX, NS, SOA, TXT, ...", indexed=True),
        P("ttl", "int", "Time to live in seconds (absent for alias records)."),
        P("values", "string[]", "Record values."),
        P("alias_target_dns", "string", "DNS name of the alias target, for alias records.", indexed=True),
        P("alias_target_zone_id", "string", "Hosted zone id of the alias target."),
        P("set_identifier", "string", "Set identifier of weighted, latency, failover or geo records."),
    ),
    billing=FREE,
)

API_GATEWAY_REST_API = NodeKind(
    label="APIGatewayRestApi",
    provider="aws",
    service="apigateway",
    description="An API Gateway REST API (v1).",
    properties=(
        P("api_id", "string", "REST API id.", indexed=True),
        P("description", "string", "Description given at creation."),
        P("endpoint_types", "string[]", "EDGE, REGIONAL or PRIVATE."),
        P("stages", "string[]", "Deployed stage names."),
        P("created", "datetime", "When the API was created."),
        P("api_key_source", "string", "HEADER or AUTHORIZER."),
        P("disable_execute_api_endpoint", "bool", "Whether the default execute-api endpoint is off."),
        P("lambda_arns", "string[]", "Lambda functions the API's integrations invoke."),
        P("integration_uris", "string[]", "Every integration URI (HTTP, AWS service or Lambda)."),
    ),
    entry_point=EntryPoint(3),
)

API_GATEWAY_HTTP_API = NodeKind(
    label="APIGatewayHttpApi",
    provider="aws",
    service="apigateway",
    description="An API Gateway v2 API: HTTP or WebSocket.",
    properties=(
        P("api_id", "string", "API id.", indexed=True),
        P("protocol_type", "string", "HTTP or WEBSOCKET.", indexed=True),
        P("api_endpoint", "string", "Default endpoint URL."),
        P("description", "string", "Description given at creation."),
        P("has_cors", "bool", "Whether a CORS configuration is set."),
        P("cors_allow_origins", "string[]", "Origins CORS allows."),
        P("routes_count", "int", "Number of routes."),
        P("integration_targets", "string[]", "Integration URIs (Lambda ARNs, HTTP URLs, ...)."),
        P("stages", "string[]", "Stage names."),
        P("created", "datetime", "When the API was created."),
        P("disable_execute_api_endpoint", "bool", "Whether the default endpoint is off."),
    ),
    entry_point=EntryPoint(3),
)

ACM_CERTIFICATE = NodeKind(
    label="ACMCertificate",
    provider="aws",
    service="acm",
    description="An ACM TLS certificate (issued by Amazon, imported or private) that listeners and other "
    "services serve.",
    properties=(
        P("domain_name", "string", "The certificate's primary domain name.", indexed=True),
        P("subject_alternative_names", "string[]", "Every domain name the certificate covers."),
        P("status", "string", "ISSUED, PENDING_VALIDATION, EXPIRED, REVOKED, FAILED, INACTIVE, ...", indexed=True),
        P("certificate_type", "string", "AMAZON_ISSUED, IMPORTED or PRIVATE."),
        P("issuer", "string", "Who issued it."),
        P("key_algorithm", "string", "Key algorithm, e.g. RSA-2048."),
        P("not_before", "datetime", "Start of validity."),
        P("not_after", "datetime", "Expiry: end of validity.", indexed=True),
        P("issued_at", "datetime", "When ACM issued it (Amazon-issued certificates)."),
        P("imported_at", "datetime", "When it was imported (imported certificates)."),
        P("created_at", "datetime", "When it was requested."),
        P("in_use_by", "string[]", "ARNs of the resources (load balancers, distributions, ...) that use it."),
        P("renewal_eligibility", "string", "ELIGIBLE or INELIGIBLE for managed renewal."),
        P("serial", "string", "Serial number."),
    ),
    billing=FREE,
)

NODES = (
    CLOUDFRONT_DISTRIBUTION,
    ROUTE53_HOSTED_ZONE,
    ROUTE53_RECORD,
    API_GATEWAY_REST_API,
    API_GATEWAY_HTTP_API,
    ACM_CERTIFICATE,
)

RELATIONSHIPS = (
    RelType("IN_ZONE", "Route53Record", "Route53HostedZone", "The record belongs to this hosted zone."),
    RelType("ASSOCIATED_WITH", "Route53HostedZone", "VPC", "The private zone answers queries from this VPC."),
    RelType("ROUTES_TO", "Route53Record", "CloudFrontDistribution", "The record is an alias to this distribution."),
)
