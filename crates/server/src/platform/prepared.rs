//! Prepared (supporting) data: the JSON body an integration POSTs to
//! `api.parts.prepared_data` (domain.md, "Prepared (supporting) data"). The
//! fields are checked as the platform documents them; only the metadata is
//! kept, like an image part's.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The most a prepared-data body may be.
pub const MAX_PREPARED_DATA_BYTES: usize = 64 * 1024;

/// Prepared data about the end user.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PreparedData {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false, max_length = 100)]
    pub first_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false, max_length = 100)]
    pub last_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false, max_length = 254)]
    pub email: Option<String>,
    /// E.164, e.g. `+14155550100`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false, pattern = r"^\+[1-9][0-9]{6,14}$")]
    pub phone_number: Option<String>,
    /// YYYY-MM-DD, from 1900-01-01 to today (UTC), else a 400
    /// `INVALID_PREPARED_DATA`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false, pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    pub date_of_birth: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub address: Option<PreparedAddress>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PreparedAddress {
    pub line1: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub line2: Option<String>,
    pub city: String,
    pub postal_code: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub subdivision: Option<String>,
    /// ISO 3166-1 alpha-3 or alpha-2, upper case (`USA`, `US`): a code
    /// the ISO list assigns, else a 400 `INVALID_PREPARED_DATA`.
    #[schema(pattern = "^[A-Z]{2,3}$")]
    pub country: String,
}

/// The earliest date of birth taken: 1 January 1900 (issue 29: an earlier
/// one is a typing error, not a person).
pub const EARLIEST_DATE_OF_BIRTH: time::Date = time::macros::date!(1900 - 01 - 01);

/// Why prepared data was refused: the field (its JSON path, e.g.
/// `address.country`; none when the body itself is not the documented
/// object) and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct PreparedDataError {
    pub field: Option<&'static str>,
    pub message: String,
}

fn refused(field: &'static str, message: String) -> PreparedDataError {
    PreparedDataError {
        field: Some(field),
        message,
    }
}

/// Whether `code` is an ISO 3166-1 alpha-2 or alpha-3 country code, as
/// written (upper case): core's one list.
pub fn is_country_code(code: &str) -> bool {
    idflow_core::countries::is_country_code(code)
}

/// Reads and checks a prepared-data body received on `today`; the error
/// names the field.
pub fn parse(body: &[u8], today: time::Date) -> Result<PreparedData, PreparedDataError> {
    let data: PreparedData = serde_json::from_slice(body).map_err(|e| PreparedDataError {
        field: None,
        message: format!("the prepared data is not a JSON object of the documented fields: {e}"),
    })?;
    let text = |field: &'static str, value: &Option<String>, max: usize| match value {
        Some(v) if v.trim().is_empty() || v.chars().count() > max => Err(refused(
            field,
            format!("`{field}` must be 1 to {max} characters"),
        )),
        _ => Ok(()),
    };
    text("firstName", &data.first_name, 100)?;
    text("lastName", &data.last_name, 100)?;
    if let Some(email) = &data.email {
        let valid = email.len() <= 254
            && email
                .split_once('@')
                .is_some_and(|(user, host)| !user.is_empty() && host.contains('.'));
        if !valid {
            return Err(refused(
                "email",
                format!("`email` {email:?} is not an email address"),
            ));
        }
    }
    if let Some(phone) = &data.phone_number {
        let digits = phone.strip_prefix('+').unwrap_or("");
        let valid = (7..=15).contains(&digits.len())
            && digits.bytes().all(|b| b.is_ascii_digit())
            && !digits.starts_with('0');
        if !valid {
            return Err(refused(
                "phoneNumber",
                format!(
                    "`phoneNumber` {phone:?} is not in E.164 form (+ and 7 to 15 digits, e.g. +14155550100)"
                ),
            ));
        }
    }
    if let Some(text) = &data.date_of_birth {
        let format = time::macros::format_description!("[year]-[month]-[day]");
        let date = time::Date::parse(text, format)
            .ok()
            .filter(|_| text.len() == 10)
            .ok_or_else(|| {
                refused(
                    "dateOfBirth",
                    format!("`dateOfBirth` {text:?} is not a date YYYY-MM-DD"),
                )
            })?;
        if date > today {
            return Err(refused(
                "dateOfBirth",
                format!("`dateOfBirth` {text:?} is in the future (today is {today})"),
            ));
        }
        if date < EARLIEST_DATE_OF_BIRTH {
            return Err(refused(
                "dateOfBirth",
                format!(
                    "`dateOfBirth` {text:?} is before {EARLIEST_DATE_OF_BIRTH}, the earliest date of birth taken"
                ),
            ));
        }
    }
    if let Some(address) = &data.address {
        for (field, value) in [
            ("address.line1", &address.line1),
            ("address.city", &address.city),
            ("address.postalCode", &address.postal_code),
        ] {
            if value.trim().is_empty() {
                return Err(refused(field, format!("`{field}` is empty")));
            }
        }
        let country = &address.country;
        if !is_country_code(country) {
            return Err(refused(
                "address.country",
                format!(
                    "`address.country` {country:?} is not an ISO 3166-1 alpha-3 or alpha-2 country code (upper case, e.g. USA or US)"
                ),
            ));
        }
    }
    Ok(data)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TODAY: time::Date = time::macros::date!(2026 - 03 - 01);

    #[test]
    fn the_documented_fields_are_read_and_checked() {
        let good = br#"{"firstName":"JOHN","lastName":"DOE","email":"john@example.com",
            "phoneNumber":"+14155550100","dateOfBirth":"1964-08-20",
            "address":{"line1":"1 Main St","city":"San Francisco","postalCode":"94105","country":"USA"}}"#;
        assert!(parse(good, TODAY).is_ok());
        for (body, field) in [
            (r#"{"phoneNumber":"4155550100"}"#, Some("phoneNumber")),
            (r#"{"dateOfBirth":"1964-02-30"}"#, Some("dateOfBirth")),
            (r#"{"dateOfBirth":"2026-03-02"}"#, Some("dateOfBirth")),
            (r#"{"dateOfBirth":"1899-12-31"}"#, Some("dateOfBirth")),
            (r#"{"email":"nobody"}"#, Some("email")),
            (
                r#"{"address":{"line1":"x","city":"y","postalCode":"1","country":"usa"}}"#,
                Some("address.country"),
            ),
            (
                r#"{"address":{"line1":"x","city":"y","postalCode":"1","country":"XX"}}"#,
                Some("address.country"),
            ),
            (r#"{"nickname":"J"}"#, None),
            (r#"[1]"#, None),
        ] {
            let error = parse(body.as_bytes(), TODAY).expect_err(body);
            assert_eq!(error.field, field, "{body}: {error}");
            if let Some(field) = field {
                assert!(error.message.contains(field), "{body}: {error}");
            }
        }
        for edge in ["1900-01-01", "2026-03-01"] {
            let body = format!(r#"{{"dateOfBirth":"{edge}"}}"#);
            assert!(parse(body.as_bytes(), TODAY).is_ok(), "{edge}");
        }
    }
}
