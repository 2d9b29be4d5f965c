//! ISO 3166-1 country codes, from the `isocountry` crate (the standard's
//! list, kept by its maintainers, not a hand-typed one). Presets, prepared
//! data and driving-licence verification accept alpha-2 or alpha-3.

use isocountry::CountryCode;

/// The country a code names: alpha-2 (`US`) or alpha-3 (`USA`), any case.
fn country(code: &str) -> Option<CountryCode> {
    let upper = code.trim().to_ascii_uppercase();
    match upper.len() {
        2 => CountryCode::for_alpha2(&upper).ok(),
        3 => CountryCode::for_alpha3(&upper).ok(),
        _ => None,
    }
}

/// Whether `code` is an ISO 3166-1 alpha-2 or alpha-3 code.
pub fn is_country_code(code: &str) -> bool {
    country(code).is_some()
}

/// The alpha-3 code of an alpha-2 or alpha-3 code.
pub fn alpha3(code: &str) -> Option<&'static str> {
    country(code).map(|c| c.alpha3())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_forms_name_one_country_and_non_codes_none() {
        assert_eq!(alpha3("US"), Some("USA"));
        assert_eq!(alpha3("usa"), Some("USA"));
        assert_eq!(alpha3("DE"), Some("DEU"));
        for not_a_code in ["", "U", "XX", "XXX", "USAA", "12"] {
            assert!(!is_country_code(not_a_code), "{not_a_code}");
        }
    }
}
