//! The account request (create and update): its documented shape and its
//! validation. Validation reads the body field by field so that one
//! answer names every bad field, not just the first one serde trips on.

use idflow_core::consent::{self, OBTAINED_AT_FIELD};
use idflow_core::model::CredentialCategory;
use idflow_core::simulate::{by_name, names};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use time::OffsetDateTime;

/// Longest `customerInternalReference` and `userReference`.
pub const MAX_REFERENCE_CHARS: usize = 100;
/// `tokenLifetime` when the request gives none: 30 minutes.
pub const DEFAULT_TOKEN_LIFETIME_SECS: i64 = 30 * 60;
/// Shortest `tokenLifetime`: 5 minutes.
pub const MIN_TOKEN_LIFETIME_SECS: i64 = 5 * 60;
/// Longest `tokenLifetime`: 60 days.
pub const MAX_TOKEN_LIFETIME_SECS: i64 = 60 * 24 * 60 * 60;
/// `web.locale` when the request gives none.
pub const DEFAULT_LOCALE: &str = "en-US";
/// The scenario of a `userReference` that names none.
pub const DEFAULT_SCENARIO: &str = "ALL_PASS";
/// `userReference: "scenario:NAME"` picks the simulator scenario NAME.
pub const SCENARIO_PREFIX: &str = "scenario:";

/// The body of `POST /api/v1/accounts` and `PUT /api/v1/accounts/{id}`.
/// Everything is optional here; [`parse`] says which fields are required
/// and which values are allowed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountRequest {
    /// Required, 1 to 100 characters: the customer's own reference.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_internal_reference: Option<String>,
    /// Required: which workflow to run (`key`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workflow_definition: Option<WorkflowDefinitionRequest>,
    /// Up to 100 characters; `scenario:NAME` picks the simulated scenario.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_reference: Option<String>,
    /// Absolute http(s) URL that gets a POST once the execution is processed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub callback_url: Option<String>,
    /// How long the tokens are valid: a number and m, h or d (`30m`, `12h`,
    /// `60d`), 5m to 60d; default 30m.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_lifetime: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub web: Option<WebRequest>,
    /// Recorded as given (an object); `consent.obtainedAt`, when given, is
    /// checked (`idflow_core::consent`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_consent: Option<Value>,
}

/// `workflowDefinition`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WorkflowDefinitionRequest {
    /// A published workflow's key, as a number (`10011`) or a numeric
    /// string (`"10011"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<Value>,
    /// Recorded: per-credential restrictions (category, country, type, label).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub credentials: Vec<CredentialRequest>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capabilities: Option<CapabilitiesRequest>,
}

/// One `workflowDefinition.credentials[]` entry (recorded, not enforced).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CredentialRequest {
    /// ID, SELFIE, FACEMAP, DOCUMENT or DATA.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<Value>,
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

/// `workflowDefinition.capabilities` (recorded).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CapabilitiesRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub watchlist_screening: Option<Value>,
}

/// `web`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WebRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub success_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_url: Option<String>,
    /// e.g. `en-US` (the default), `de`, `pt-BR`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
}

/// One bad field: its JSON path (`web.successUrl`,
/// `workflowDefinition.credentials[0].category`) and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldProblem {
    pub field: String,
    pub problem: String,
}

/// Why a request body was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RequestError {
    #[error("the request body is not valid JSON: {message} at line {line}, column {column}")]
    Syntax {
        line: usize,
        column: usize,
        message: String,
    },
    #[error("the request body must be a JSON object")]
    NotAnObject,
    #[error("invalid account request: {}", describe(.0))]
    Invalid(Vec<FieldProblem>),
}

fn describe(problems: &[FieldProblem]) -> String {
    problems
        .iter()
        .map(|p| format!("{} {}", p.field, p.problem))
        .collect::<Vec<_>>()
        .join("; ")
}

/// A valid account request, with the defaults applied.
#[derive(Debug, Clone, PartialEq)]
pub struct AccountInput {
    pub customer_internal_reference: String,
    pub definition_key: u32,
    pub user_reference: Option<String>,
    /// The simulator scenario's canonical name.
    pub scenario: String,
    pub callback_url: Option<String>,
    pub token_lifetime_secs: i64,
    pub locale: String,
}

/// Reads and validates an account request body received at `now` (the
/// consent time is checked against it).
pub fn parse(body: &[u8], now: OffsetDateTime) -> Result<AccountInput, RequestError> {
    let value: Value = serde_json::from_slice(body).map_err(|e| {
        let full = e.to_string();
        let position = format!(" at line {} column {}", e.line(), e.column());
        RequestError::Syntax {
            line: e.line(),
            column: e.column(),
            message: full.strip_suffix(&position).unwrap_or(&full).to_owned(),
        }
    })?;
    let Value::Object(object) = value else {
        return Err(RequestError::NotAnObject);
    };
    let mut problems = Vec::new();
    let request = read_request(&object, &mut problems);
    let input = validate(&request, now, &mut problems);
    match input {
        Some(input) if problems.is_empty() => Ok(input),
        _ => Err(RequestError::Invalid(problems)),
    }
}

fn problem(problems: &mut Vec<FieldProblem>, field: &str, text: impl Into<String>) {
    problems.push(FieldProblem {
        field: field.to_owned(),
        problem: text.into(),
    });
}

/// `object[name]` as a `T` (null and absent are `None`); a value of the
/// wrong type is a problem on `path`.
fn field<T: DeserializeOwned>(
    object: &Map<String, Value>,
    name: &str,
    path: &str,
    problems: &mut Vec<FieldProblem>,
) -> Option<T> {
    match object.get(name) {
        None | Some(Value::Null) => None,
        Some(value) => match serde_json::from_value(value.clone()) {
            Ok(v) => Some(v),
            Err(e) => {
                problem(problems, path, format!("has the wrong type: {e}"));
                None
            }
        },
    }
}

fn object<'a>(
    parent: &'a Map<String, Value>,
    name: &str,
    path: &str,
    problems: &mut Vec<FieldProblem>,
) -> Option<&'a Map<String, Value>> {
    match parent.get(name) {
        None | Some(Value::Null) => None,
        Some(Value::Object(map)) => Some(map),
        Some(_) => {
            problem(problems, path, "must be a JSON object");
            None
        }
    }
}

fn read_request(body: &Map<String, Value>, problems: &mut Vec<FieldProblem>) -> AccountRequest {
    let workflow_definition = object(body, "workflowDefinition", "workflowDefinition", problems)
        .map(|definition| {
            let credentials = match definition.get("credentials") {
                None | Some(Value::Null) => Vec::new(),
                Some(Value::Array(items)) => items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| {
                        let path = format!("workflowDefinition.credentials[{i}]");
                        match item {
                            Value::Object(c) => CredentialRequest {
                                category: field(
                                    c,
                                    "category",
                                    &format!("{path}.category"),
                                    problems,
                                ),
                                country: c.get("country").filter(|v| !v.is_null()).cloned(),
                                kind: c.get("type").filter(|v| !v.is_null()).cloned(),
                                label: field(c, "label", &format!("{path}.label"), problems),
                            },
                            _ => {
                                problem(problems, &path, "must be a JSON object");
                                CredentialRequest::default()
                            }
                        }
                    })
                    .collect(),
                Some(_) => {
                    problem(
                        problems,
                        "workflowDefinition.credentials",
                        "must be an array",
                    );
                    Vec::new()
                }
            };
            let capabilities = object(
                definition,
                "capabilities",
                "workflowDefinition.capabilities",
                problems,
            )
            .map(|c| CapabilitiesRequest {
                watchlist_screening: c
                    .get("watchlistScreening")
                    .filter(|v| !v.is_null())
                    .cloned(),
            });
            WorkflowDefinitionRequest {
                key: definition.get("key").filter(|v| !v.is_null()).cloned(),
                credentials,
                capabilities,
            }
        });
    let web = object(body, "web", "web", problems).map(|web| WebRequest {
        success_url: field(web, "successUrl", "web.successUrl", problems),
        error_url: field(web, "errorUrl", "web.errorUrl", problems),
        locale: field(web, "locale", "web.locale", problems),
    });
    AccountRequest {
        customer_internal_reference: field(
            body,
            "customerInternalReference",
            "customerInternalReference",
            problems,
        ),
        workflow_definition,
        user_reference: field(body, "userReference", "userReference", problems),
        callback_url: field(body, "callbackUrl", "callbackUrl", problems),
        token_lifetime: field(body, "tokenLifetime", "tokenLifetime", problems),
        web,
        user_consent: body.get("userConsent").filter(|v| !v.is_null()).cloned(),
    }
}

fn validate(
    request: &AccountRequest,
    now: OffsetDateTime,
    problems: &mut Vec<FieldProblem>,
) -> Option<AccountInput> {
    let reference = match &request.customer_internal_reference {
        None => {
            problem(problems, "customerInternalReference", "is required");
            None
        }
        Some(r) => {
            let chars = r.chars().count();
            if chars == 0 || chars > MAX_REFERENCE_CHARS {
                problem(
                    problems,
                    "customerInternalReference",
                    format!("must be 1 to {MAX_REFERENCE_CHARS} characters long (it has {chars})"),
                );
                None
            } else if let Err(why) = one_line(r) {
                problem(problems, "customerInternalReference", why);
                None
            } else {
                Some(r.clone())
            }
        }
    };

    let key = match &request.workflow_definition {
        None => {
            problem(problems, "workflowDefinition.key", "is required");
            None
        }
        Some(definition) => {
            for (i, credential) in definition.credentials.iter().enumerate() {
                let path = format!("workflowDefinition.credentials[{i}].category");
                match credential.category.as_deref() {
                    None => problem(problems, &path, "is required"),
                    Some(c) if CredentialCategory::parse(c).is_none() => {
                        let known: Vec<&str> =
                            CredentialCategory::ALL.iter().map(|c| c.as_str()).collect();
                        problem(
                            problems,
                            &path,
                            format!(
                                "{c:?} is not a credential category: one of {}",
                                known.join(", ")
                            ),
                        );
                    }
                    Some(_) => {}
                }
            }
            if let Some(capabilities) = &definition.capabilities
                && let Some(screening) = &capabilities.watchlist_screening
                && !screening.is_object()
            {
                problem(
                    problems,
                    "workflowDefinition.capabilities.watchlistScreening",
                    "must be a JSON object",
                );
            }
            match &definition.key {
                None => {
                    problem(problems, "workflowDefinition.key", "is required");
                    None
                }
                Some(value) => {
                    // One spelling per key: `"010011"` and `"+10011"` are
                    // not 10011 (issue 13).
                    let key = match value {
                        // `10011.0` is the number 10011 in JSON.
                        Value::Number(n) => n
                            .as_u64()
                            .or_else(|| {
                                n.as_f64()
                                    .filter(|f| {
                                        f.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(f)
                                    })
                                    .map(|f| f as u64)
                            })
                            .and_then(|k| u32::try_from(k).ok()),
                        Value::String(s) => idflow_core::model::parse_key(s),
                        _ => None,
                    }
                    .filter(|k| *k > 0);
                    if key.is_none() {
                        problem(
                            problems,
                            "workflowDefinition.key",
                            format!(
                                "{value} is not a workflow key: a positive whole number such as 10011"
                            ),
                        );
                    }
                    key
                }
            }
        }
    };

    let scenario = match request.user_reference.as_deref() {
        None => Some(DEFAULT_SCENARIO.to_owned()),
        Some(r) if r.chars().count() > MAX_REFERENCE_CHARS => {
            problem(
                problems,
                "userReference",
                format!(
                    "must be at most {MAX_REFERENCE_CHARS} characters long (it has {})",
                    r.chars().count()
                ),
            );
            None
        }
        Some(r) if one_line(r).is_err() => {
            problem(
                problems,
                "userReference",
                one_line(r).err().unwrap_or_default(),
            );
            None
        }
        Some(r) => match r.strip_prefix(SCENARIO_PREFIX) {
            None => Some(DEFAULT_SCENARIO.to_owned()),
            Some(name) => match by_name(name.trim()) {
                Ok(scenario) => Some(scenario.name),
                Err(_) => {
                    problem(
                        problems,
                        "userReference",
                        format!(
                            "names the unknown scenario {:?}: known scenarios are {}",
                            name.trim(),
                            names().join(", ")
                        ),
                    );
                    None
                }
            },
        },
    };

    if let Some(url) = &request.callback_url
        && let Err(why) = check_url(url)
    {
        problem(problems, "callbackUrl", why);
    }

    let lifetime = match request.token_lifetime.as_deref() {
        None => Some(DEFAULT_TOKEN_LIFETIME_SECS),
        Some(text) => match parse_lifetime(text) {
            Ok(secs) => Some(secs),
            Err(why) => {
                problem(problems, "tokenLifetime", why);
                None
            }
        },
    };

    let mut locale = DEFAULT_LOCALE.to_owned();
    if let Some(web) = &request.web {
        for (name, url) in [
            ("web.successUrl", &web.success_url),
            ("web.errorUrl", &web.error_url),
        ] {
            if let Some(url) = url
                && let Err(why) = check_url(url)
            {
                problem(problems, name, why);
            }
        }
        if let Some(l) = &web.locale {
            if is_locale(l) {
                locale = l.clone();
            } else {
                problem(
                    problems,
                    "web.locale",
                    format!(
                        "{l:?} is not a locale: letters, digits, `-` or `_`, at most 10, e.g. en-US"
                    ),
                );
            }
        }
    }

    if let Some(consent) = &request.user_consent {
        check_user_consent(consent, now, problems);
    }

    Some(AccountInput {
        customer_internal_reference: reference?,
        definition_key: key?,
        user_reference: request.user_reference.clone(),
        scenario: scenario?,
        callback_url: request.callback_url.clone(),
        token_lifetime_secs: lifetime?,
        locale,
    })
}

/// `userConsent`: an object, recorded as given, whose `consent.obtainedAt`
/// (when given) is a consent time that holds at `now` (seed 003,
/// "Authentication": at most 3 years old; see `idflow_core::consent`).
fn check_user_consent(user_consent: &Value, now: OffsetDateTime, problems: &mut Vec<FieldProblem>) {
    let Value::Object(user_consent) = user_consent else {
        problem(problems, "userConsent", "must be a JSON object");
        return;
    };
    let consent = match user_consent.get("consent") {
        None | Some(Value::Null) => return,
        Some(Value::Object(consent)) => consent,
        Some(_) => {
            problem(problems, "userConsent.consent", "must be a JSON object");
            return;
        }
    };
    match consent.get("obtainedAt") {
        None | Some(Value::Null) => {}
        Some(Value::String(text)) => {
            if let Err(why) = consent::check_obtained_at(text, now) {
                problem(problems, OBTAINED_AT_FIELD, why.to_string());
            }
        }
        Some(other) => problem(
            problems,
            OBTAINED_AT_FIELD,
            format!(
                "must be a string, an RFC 3339 timestamp such as 2024-07-20T17:20:35.000Z (it is {other})"
            ),
        ),
    }
}

/// A reference is one line of visible text: no control character (issue
/// 30, item 8; PostgreSQL refuses NUL in text).
fn one_line(text: &str) -> Result<(), String> {
    idflow_core::text::check(text, usize::MAX, idflow_core::text::Lines::One)
        .map_err(|e| e.to_string())
}

/// An absolute `http` or `https` URL with a host, and no control character
/// (which the URL parser would drop or keep, and PostgreSQL refuses NUL).
pub fn check_url(text: &str) -> Result<(), String> {
    one_line(text).map_err(|why| format!("{text:?} is not an absolute http(s) URL: it {why}"))?;
    let url = reqwest::Url::parse(text)
        .map_err(|e| format!("{text:?} is not an absolute http(s) URL: {e}"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!(
            "{text:?} is not an absolute http(s) URL: the scheme is {:?}",
            url.scheme()
        ));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(format!(
            "{text:?} is not an absolute http(s) URL: it has no host"
        ));
    }
    Ok(())
}

/// `5m`, `30m`, `12h`, `60d` → seconds, within 5m..=60d.
pub fn parse_lifetime(text: &str) -> Result<i64, String> {
    let bad = || {
        format!(
            "{text:?} is not a token lifetime: a whole number followed by m (minutes), h (hours) or d (days), e.g. 30m, 12h, 60d"
        )
    };
    let text = text.trim();
    let unit = text.chars().last().ok_or_else(bad)?;
    let number = &text[..text.len() - unit.len_utf8()];
    if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let n: i64 = number.parse().map_err(|_| bad())?;
    let unit_secs = match unit {
        'm' => 60,
        'h' => 60 * 60,
        'd' => 24 * 60 * 60,
        _ => return Err(bad()),
    };
    let secs = n.checked_mul(unit_secs).unwrap_or(i64::MAX);
    if !(MIN_TOKEN_LIFETIME_SECS..=MAX_TOKEN_LIFETIME_SECS).contains(&secs) {
        return Err(format!(
            "{text:?} is out of range: the token lifetime must be 5m to 60d"
        ));
    }
    Ok(secs)
}

fn is_locale(text: &str) -> bool {
    (2..=10).contains(&text.len())
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parsed(body: Value) -> Result<AccountInput, RequestError> {
        parse(body.to_string().as_bytes(), OffsetDateTime::now_utc())
    }

    fn fields(error: RequestError) -> Vec<String> {
        match error {
            RequestError::Invalid(problems) => problems.into_iter().map(|p| p.field).collect(),
            other => panic!("expected field problems, got {other:?}"),
        }
    }

    #[test]
    fn the_seed_sample_is_valid_with_defaults() {
        let input = parsed(json!({
            "customerInternalReference": "myCompany",
            "callbackUrl": "https://portal.mycompany.com/callback",
            "workflowDefinition": { "key": 10011 }
        }))
        .expect("valid");
        assert_eq!(input.definition_key, 10011);
        assert_eq!(input.token_lifetime_secs, 30 * 60);
        assert_eq!(input.scenario, "ALL_PASS");
        assert_eq!(input.locale, "en-US");
    }

    /// JSON has one number type: `10011.0` is 10011 (and the OpenAPI
    /// document says so); a fraction, a sign, a leading zero or zero is
    /// not a key.
    #[test]
    fn the_definition_key_is_a_whole_number_in_any_json_spelling() {
        let key = |value: Value| {
            parsed(json!({
                "customerInternalReference": "myCompany",
                "workflowDefinition": { "key": value }
            }))
            .map(|input| input.definition_key)
        };
        assert_eq!(key(json!(10011)).expect("integer"), 10011);
        let float: Value = serde_json::from_str("10011.0").expect("json");
        assert_eq!(key(float).expect("a whole float"), 10011);
        let exponent: Value = serde_json::from_str("1.0011e4").expect("json");
        assert_eq!(key(exponent).expect("an exponent"), 10011);
        assert_eq!(key(json!("10011")).expect("canonical text"), 10011);
        for bad in [
            json!(10011.5),
            json!(-10011),
            json!(0),
            json!("010011"),
            json!("+10011"),
            json!(4_294_967_296u64),
            json!(true),
        ] {
            let error = key(bad.clone()).expect_err("not a key");
            assert_eq!(fields(error), ["workflowDefinition.key"], "{bad}");
        }
    }

    #[test]
    fn every_bad_field_is_named() {
        let error = parsed(json!({
            "customerInternalReference": "x".repeat(101),
            "workflowDefinition": { "key": "ten", "credentials": [{ "category": "PASSPORT" }] },
            "userReference": "scenario:NOPE",
            "callbackUrl": "ftp://example.com",
            "tokenLifetime": "1m",
            "web": { "successUrl": "/relative", "locale": "en US" },
            "userConsent": "yes"
        }))
        .expect_err("invalid");
        assert_eq!(
            fields(error),
            [
                "customerInternalReference",
                "workflowDefinition.credentials[0].category",
                "workflowDefinition.key",
                "userReference",
                "callbackUrl",
                "tokenLifetime",
                "web.successUrl",
                "web.locale",
                "userConsent",
            ]
        );
    }

    /// Seed 003, "Authentication": "The original consent can be valid for a
    /// maximum of 3 years"; idflow applies it to every request, and a
    /// consent time is an RFC 3339 timestamp not in the future.
    #[test]
    fn the_consent_time_is_a_timestamp_within_the_last_three_years() {
        let now = time::macros::datetime!(2026-03-01 12:00:00 UTC);
        let with_consent = |consent: Value| {
            parse(
                json!({
                    "customerInternalReference": "c",
                    "workflowDefinition": { "key": 10014 },
                    "userConsent": consent
                })
                .to_string()
                .as_bytes(),
                now,
            )
        };
        for good in [
            json!({ "consent": { "obtained": "yes", "obtainedAt": "2026-03-01T12:00:00.000Z" } }),
            json!({ "consent": { "obtained": "yes", "obtainedAt": "2023-03-01T12:00:00Z" } }),
            json!({ "userIp": "1.2.3.4", "consent": { "obtained": "yes" } }),
            json!({}),
        ] {
            assert!(with_consent(good.clone()).is_ok(), "{good}");
        }
        for (bad, why) in [
            // Seed 003's own example: older than 3 years by now.
            ("2022-07-20T17:20:35.000Z", "more than 3 years ago"),
            ("2023-03-01T11:59:59Z", "more than 3 years ago"),
            ("2026-03-01T12:00:01Z", "in the future"),
            ("2026-03-01", "not an ISO 8601 timestamp"),
            ("yesterday", "not an ISO 8601 timestamp"),
        ] {
            let consent = json!({ "consent": { "obtained": "yes", "obtainedAt": bad } });
            match with_consent(consent) {
                Err(RequestError::Invalid(problems)) => {
                    assert_eq!(problems.len(), 1, "{bad}: {problems:?}");
                    assert_eq!(problems[0].field, "userConsent.consent.obtainedAt");
                    assert!(problems[0].problem.contains(why), "{bad}: {problems:?}");
                }
                other => panic!("{bad}: expected a field problem, got {other:?}"),
            }
        }
        for (bad, field) in [
            (
                json!({ "consent": { "obtainedAt": 1_700_000_000 } }),
                "userConsent.consent.obtainedAt",
            ),
            (json!({ "consent": "yes" }), "userConsent.consent"),
            (json!([]), "userConsent"),
        ] {
            let error = with_consent(bad.clone()).expect_err("refused");
            assert_eq!(fields(error), [field], "{bad}");
        }
    }

    #[test]
    fn missing_required_fields_and_wrong_types_are_named() {
        let error = parsed(json!({ "callbackUrl": 5 })).expect_err("invalid");
        assert_eq!(
            fields(error),
            [
                "callbackUrl",
                "customerInternalReference",
                "workflowDefinition.key"
            ]
        );
    }

    #[test]
    fn syntax_errors_say_where() {
        match parse(b"{\n  \"a\": ,\n}", OffsetDateTime::now_utc()) {
            Err(error @ RequestError::Syntax { line, column, .. }) => {
                assert_eq!((line, column), (2, 8));
                assert_eq!(
                    error.to_string(),
                    "the request body is not valid JSON: expected value at line 2, column 8"
                );
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            parse(b"[1]", OffsetDateTime::now_utc()),
            Err(RequestError::NotAnObject)
        );
    }

    #[test]
    fn scenarios_come_from_the_user_reference() {
        let input = parsed(json!({
            "customerInternalReference": "c",
            "workflowDefinition": { "key": "10011" },
            "userReference": "scenario:fake_id"
        }))
        .expect("valid");
        assert_eq!(
            (input.definition_key, input.scenario.as_str()),
            (10011, "FAKE_ID")
        );
    }

    #[test]
    fn lifetimes_are_5m_to_60d() {
        assert_eq!(parse_lifetime("5m"), Ok(300));
        assert_eq!(parse_lifetime("12h"), Ok(43_200));
        assert_eq!(parse_lifetime("60d"), Ok(5_184_000));
        for bad in [
            "4m",
            "61d",
            "1m",
            "m",
            "30",
            "30s",
            "-5m",
            "5.5h",
            "",
            "99999999999999999999d",
        ] {
            assert!(parse_lifetime(bad).is_err(), "{bad}");
        }
    }
}
