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
    /// YYYY-MM-DD.
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
    /// ISO 3166-1 alpha-3 or alpha-2.
    #[schema(pattern = "^[A-Z]{2,3}$")]
    pub country: String,
}

/// Reads and checks a prepared-data body; the error names the field.
pub fn parse(body: &[u8]) -> Result<PreparedData, String> {
    let data: PreparedData = serde_json::from_slice(body).map_err(|e| {
        format!("the prepared data is not a JSON object of the documented fields: {e}")
    })?;
    let text = |field: &str, value: &Option<String>, max: usize| match value {
        Some(v) if v.trim().is_empty() || v.chars().count() > max => {
            Err(format!("`{field}` must be 1 to {max} characters"))
        }
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
            return Err(format!("`email` {email:?} is not an email address"));
        }
    }
    if let Some(phone) = &data.phone_number {
        let digits = phone.strip_prefix('+').unwrap_or("");
        let valid = (7..=15).contains(&digits.len())
            && digits.bytes().all(|b| b.is_ascii_digit())
            && !digits.starts_with('0');
        if !valid {
            return Err(format!(
                "`phoneNumber` {phone:?} is not in E.164 form (+ and 7 to 15 digits, e.g. +14155550100)"
            ));
        }
    }
    if let Some(date) = &data.date_of_birth {
        let format = time::macros::format_description!("[year]-[month]-[day]");
        if date.len() != 10 || time::Date::parse(date, format).is_err() {
            return Err(format!("`dateOfBirth` {date:?} is not a date YYYY-MM-DD"));
        }
    }
    if let Some(address) = &data.address {
        for (field, value) in [
            ("address.line1", &address.line1),
            ("address.city", &address.city),
            ("address.postalCode", &address.postal_code),
        ] {
            if value.trim().is_empty() {
                return Err(format!("`{field}` is empty"));
            }
        }
        let country = &address.country;
        if !((2..=3).contains(&country.len()) && country.bytes().all(|b| b.is_ascii_uppercase())) {
            return Err(format!(
                "`address.country` {country:?} is not an ISO 3166-1 alpha-3 or alpha-2 code"
            ));
        }
    }
    Ok(data)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documented_fields_are_read_and_checked() {
        let good = br#"{"firstName":"JOHN","lastName":"DOE","email":"john@example.com",
            "phoneNumber":"+14155550100","dateOfBirth":"1964-08-20",
            "address":{"line1":"1 Main St","city":"San Francisco","postalCode":"94105","country":"USA"}}"#;
        assert!(parse(good).is_ok());
        for (body, field) in [
            (r#"{"phoneNumber":"4155550100"}"#, "phoneNumber"),
            (r#"{"dateOfBirth":"1964-02-30"}"#, "dateOfBirth"),
            (r#"{"email":"nobody"}"#, "email"),
            (
                r#"{"address":{"line1":"x","city":"y","postalCode":"1","country":"usa"}}"#,
                "address.country",
            ),
            (r#"{"nickname":"J"}"#, "nickname"),
            (r#"[1]"#, "JSON object"),
        ] {
            let error = parse(body.as_bytes()).expect_err(body);
            assert!(error.contains(field), "{body}: {error}");
        }
    }
}
