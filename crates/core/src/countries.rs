//! ISO 3166-1 country codes, from the `rust_iso3166` crate (the standard's
//! list, kept current by its maintainers; not a hand-typed one). Presets,
//! prepared data and driving-licence verification all read it here.

/// The country a code names, written exactly (upper case): alpha-2 (`US`)
/// or alpha-3 (`USA`).
fn country(code: &str) -> Option<rust_iso3166::CountryCode> {
    match code.len() {
        2 => rust_iso3166::from_alpha2(code),
        3 => rust_iso3166::from_alpha3(code),
        _ => None,
    }
}

/// Whether `code` is an ISO 3166-1 alpha-2 or alpha-3 code as written
/// (upper case).
pub fn is_country_code(code: &str) -> bool {
    country(code).is_some()
}

/// The alpha-3 code of an alpha-2 or alpha-3 code, in any case (presets
/// and recorded results are compared by country, not by spelling).
pub fn alpha3(code: &str) -> Option<&'static str> {
    country(&code.trim().to_ascii_uppercase()).map(|c| c.alpha3)
}

/// Every assigned code: (alpha-2, alpha-3).
pub fn all() -> impl Iterator<Item = (&'static str, &'static str)> {
    rust_iso3166::ALL.iter().map(|c| (c.alpha2, c.alpha3))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_forms_name_one_country_and_non_codes_none() {
        assert_eq!(alpha3("US"), Some("USA"));
        assert_eq!(alpha3("usa"), Some("USA"));
        assert_eq!(alpha3("DE"), Some("DEU"));
        assert!(is_country_code("DEU") && !is_country_code("deu"));
        for not_a_code in ["", "U", "XX", "XXX", "USAA", "12", "UK", "EU"] {
            assert!(!is_country_code(not_a_code), "{not_a_code}");
        }
        assert!(all().count() >= 249);
    }
}
