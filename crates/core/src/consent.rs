//! When the end user consented: `userConsent.consent.obtainedAt` of an
//! account request. Seed 003 ("Authentication"): an integration may reuse
//! "the original consent obtained when the end user was onboarded", and
//! "the original consent can be valid for a maximum of 3 years. Beyond that
//! the end user must explicitly provide the consent". idflow applies that
//! limit to every request, not only to an authentication's reused consent
//! (idflow's reading: a consent is the same consent whichever workflow
//! runs). One rule, used by the mock platform (a 400) and by the export
//! (its placeholder must pass it).

use time::format_description::well_known::Rfc3339;
use time::{Date, Month, OffsetDateTime, UtcOffset};

/// Where the consent time is in an account request.
pub const OBTAINED_AT_FIELD: &str = "userConsent.consent.obtainedAt";

/// How long a consent holds: 3 years (seed 003, "Authentication").
pub const VALID_YEARS: i32 = 3;

/// Why a consent time is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConsentTimeError {
    #[error(
        "{text:?} is not an ISO 8601 timestamp with a time and a time zone (RFC 3339), e.g. 2024-07-20T17:20:35.000Z"
    )]
    NotATimestamp { text: String },
    #[error("{text:?} is in the future (it is now {now}): a consent is given before the request")]
    InTheFuture { text: String, now: String },
    #[error(
        "{text:?} is more than {VALID_YEARS} years ago (the oldest consent accepted now is from {oldest}): a consent is valid for at most {VALID_YEARS} years, after that the end user must consent again"
    )]
    TooOld { text: String, oldest: String },
}

/// Reads `text` as the time of a consent and checks it at `now`: an RFC 3339
/// timestamp (ISO 8601 with a time and an offset), not after `now`, and not
/// more than [`VALID_YEARS`] calendar years before it (a consent exactly 3
/// years old still holds).
pub fn check_obtained_at(
    text: &str,
    now: OffsetDateTime,
) -> Result<OffsetDateTime, ConsentTimeError> {
    let at =
        OffsetDateTime::parse(text, &Rfc3339).map_err(|_| ConsentTimeError::NotATimestamp {
            text: text.to_owned(),
        })?;
    if at > now {
        return Err(ConsentTimeError::InTheFuture {
            text: text.to_owned(),
            now: timestamp(now),
        });
    }
    let oldest = oldest_accepted(now);
    if at < oldest {
        return Err(ConsentTimeError::TooOld {
            text: text.to_owned(),
            oldest: timestamp(oldest),
        });
    }
    Ok(at)
}

/// The oldest consent time accepted at `now`: the same moment [`VALID_YEARS`]
/// calendar years earlier (29 February becomes 28 February).
pub fn oldest_accepted(now: OffsetDateTime) -> OffsetDateTime {
    let date = now.date();
    let year = date.year() - VALID_YEARS;
    let day = date
        .day()
        .min(time::util::days_in_month(date.month(), year));
    let earlier = Date::from_calendar_date(year, date.month(), day)
        // Years this far from time's limits always exist; the first day of
        // the year is a safe answer if one does not.
        .or_else(|_| Date::from_calendar_date(year, Month::January, 1))
        .unwrap_or(Date::MIN);
    now.replace_date(earlier)
}

/// `at` in UTC as RFC 3339 with milliseconds, as the platform writes times
/// (`2022-07-20T17:20:35.000Z`).
pub fn timestamp(at: OffsetDateTime) -> String {
    let utc = at.to_offset(UtcOffset::UTC);
    let format = time::macros::format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z"
    );
    utc.format(&format)
        .unwrap_or_else(|_| utc.unix_timestamp().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    /// Seed 003, "Authentication": valid for a maximum of 3 years.
    #[test]
    fn a_consent_holds_for_three_calendar_years_up_to_now() {
        let now = datetime!(2026-03-01 12:00:00 UTC);
        let check = |text: &str| check_obtained_at(text, now);
        assert!(check("2026-03-01T12:00:00.000Z").is_ok(), "now itself");
        assert!(check("2023-03-01T12:00:00Z").is_ok(), "exactly 3 years");
        assert!(check("2023-03-01T13:00:00+01:00").is_ok(), "an offset");
        assert!(matches!(
            check("2023-03-01T11:59:59.999Z"),
            Err(ConsentTimeError::TooOld { .. })
        ));
        assert!(matches!(
            check("2026-03-01T12:00:00.001Z"),
            Err(ConsentTimeError::InTheFuture { .. })
        ));
        // Seed 003's own example, sent today, is refused: idflow applies
        // the limit to every request.
        assert!(matches!(
            check("2022-07-20T17:20:35.000Z"),
            Err(ConsentTimeError::TooOld { .. })
        ));
        for bad in [
            "",
            "yes",
            "2024-07-20",
            "2024-07-20T17:20:35",
            "20240720T172035Z",
            "2024-02-30T00:00:00Z",
            "2024-07-20 17:20:35Z ",
        ] {
            assert!(
                matches!(check(bad), Err(ConsentTimeError::NotATimestamp { .. })),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn the_limit_of_a_leap_day_is_the_last_day_of_february() {
        let now = datetime!(2028-02-29 08:00:00 UTC);
        assert_eq!(oldest_accepted(now), datetime!(2025-02-28 08:00:00 UTC));
        assert_eq!(timestamp(now), "2028-02-29T08:00:00.000Z");
    }

    #[test]
    fn errors_say_why() {
        let now = datetime!(2026-03-01 12:00:00 UTC);
        let old = check_obtained_at("2020-01-01T00:00:00Z", now).expect_err("old");
        assert!(old.to_string().contains("3 years"), "{old}");
        assert!(
            old.to_string().contains("2023-03-01T12:00:00.000Z"),
            "{old}"
        );
        let future = check_obtained_at("2027-01-01T00:00:00Z", now).expect_err("future");
        assert!(future.to_string().contains("in the future"), "{future}");
    }
}
