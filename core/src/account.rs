//! What makes a login, a nickname and a password acceptable. Parsing lives
//! here so that the registration form in the browser and the server refuse
//! exactly the same values, with the same reasons.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The version of the privacy notice a citizen consents to at registration.
/// Bump it when the notice changes; the stored consent names the version.
pub const PRIVACY_NOTICE_VERSION: &str = "2026-12-01";

/// The shortest password we accept (NIST SP 800-63B asks for at least 8).
pub const PASSWORD_MIN_CHARS: usize = 8;
/// The longest password we accept; argon2 cost does not depend on it, but an
/// upper bound keeps request bodies and hashing time predictable.
pub const PASSWORD_MAX_CHARS: usize = 128;
/// The longest nickname, in characters (not bytes: most are Chinese).
pub const NICKNAME_MAX_CHARS: usize = 24;

/// Passwords so common that attackers try them first. A short list, checked
/// case-insensitively; the length minimum already rules out shorter ones.
const COMMON_PASSWORDS: &[&str] = &[
    "12345678",
    "123456789",
    "1234567890",
    "11111111",
    "88888888",
    "66666666",
    "00000000",
    "password",
    "password1",
    "passw0rd",
    "qwertyui",
    "qwerty123",
    "iloveyou",
    "abcd1234",
    "a1234567",
    "aa123456",
    "1qaz2wsx",
    "woaini1314",
    "5201314520",
    "abc12345",
    "admin123",
    "12341234",
    "87654321",
    "11223344",
    "qq123456",
];

/// How a person signs in: a mainland mobile number or an e-mail address.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum Login {
    /// Eleven digits starting with 1 and 3–9, without country code or spaces.
    Mobile(String),
    /// An e-mail address, lower-cased.
    Email(String),
}

/// Why a value was refused. The variants are stable; the UI translates them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FieldError {
    /// Nothing was entered.
    #[error("this field is required")]
    Empty,
    /// Not a mainland mobile number nor an e-mail address.
    #[error("enter a mainland mobile number (11 digits) or an e-mail address")]
    NotALogin,
    /// Shorter than allowed.
    #[error("too short")]
    TooShort,
    /// Longer than allowed.
    #[error("too long")]
    TooLong,
    /// On the list of passwords attackers try first.
    #[error("this password is too common")]
    TooCommon,
    /// Contains control characters.
    #[error("contains characters that are not allowed")]
    BadCharacters,
}

impl Login {
    /// Parses what a person typed: spaces, dashes and a leading `+86` are
    /// dropped from numbers; addresses are trimmed and lower-cased.
    ///
    /// # Errors
    /// [`FieldError::Empty`] or [`FieldError::NotALogin`].
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Err(FieldError::Empty);
        }
        if trimmed.contains('@') {
            return Self::parse_email(trimmed);
        }
        let digits: String = trimmed
            .strip_prefix("+86")
            .unwrap_or(trimmed)
            .chars()
            .filter(|c| !matches!(c, ' ' | '-'))
            .collect();
        let bytes = digits.as_bytes();
        let is_mobile = bytes.len() == 11
            && bytes[0] == b'1'
            && (b'3'..=b'9').contains(&bytes[1])
            && bytes.iter().all(u8::is_ascii_digit);
        if is_mobile {
            Ok(Self::Mobile(digits))
        } else {
            Err(FieldError::NotALogin)
        }
    }

    fn parse_email(trimmed: &str) -> Result<Self, FieldError> {
        let lower = trimmed.to_lowercase();
        if lower.len() > 254 {
            return Err(FieldError::TooLong);
        }
        let (local, domain) = lower.split_once('@').ok_or(FieldError::NotALogin)?;
        let valid = !local.is_empty()
            && !domain.contains('@')
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !lower.chars().any(|c| c.is_whitespace() || c.is_control());
        if valid {
            Ok(Self::Email(lower))
        } else {
            Err(FieldError::NotALogin)
        }
    }

    /// The normalised text stored and compared.
    #[must_use]
    pub fn as_str(&self) -> &str {
        match self {
            Self::Mobile(s) | Self::Email(s) => s,
        }
    }
}

impl fmt::Display for Login {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl TryFrom<String> for Login {
    type Error = FieldError;
    fn try_from(raw: String) -> Result<Self, Self::Error> {
        Self::parse(&raw)
    }
}

impl From<Login> for String {
    fn from(login: Login) -> Self {
        match login {
            Login::Mobile(s) | Login::Email(s) => s,
        }
    }
}

/// Checks a nickname and returns it trimmed.
///
/// # Errors
/// [`FieldError::Empty`], [`FieldError::TooLong`] or
/// [`FieldError::BadCharacters`].
pub fn parse_nickname(raw: &str) -> Result<String, FieldError> {
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return Err(FieldError::Empty);
    }
    if trimmed.chars().count() > NICKNAME_MAX_CHARS {
        return Err(FieldError::TooLong);
    }
    if trimmed.chars().any(char::is_control) {
        return Err(FieldError::BadCharacters);
    }
    Ok(trimmed.to_owned())
}

/// Checks a new password against the length bounds and the common list.
///
/// # Errors
/// [`FieldError::TooShort`], [`FieldError::TooLong`] or
/// [`FieldError::TooCommon`].
pub fn check_new_password(password: &str) -> Result<(), FieldError> {
    let chars = password.chars().count();
    if chars < PASSWORD_MIN_CHARS {
        return Err(FieldError::TooShort);
    }
    if chars > PASSWORD_MAX_CHARS {
        return Err(FieldError::TooLong);
    }
    let lower = password.to_lowercase();
    if COMMON_PASSWORDS.contains(&lower.as_str()) {
        return Err(FieldError::TooCommon);
    }
    Ok(())
}

/// What a person may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Earns and spends credits.
    Citizen,
    /// Works the review queue.
    Reviewer,
    /// Runs the platform.
    Admin,
}

impl Role {
    /// The name stored in the database and sent over the wire.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Citizen => "citizen",
            Self::Reviewer => "reviewer",
            Self::Admin => "admin",
        }
    }

    /// The inverse of [`Role::as_str`].
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "citizen" => Some(Self::Citizen),
            "reviewer" => Some(Self::Reviewer),
            "admin" => Some(Self::Admin),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mobile_numbers_are_normalised() {
        assert_eq!(
            Login::parse(" +86 138-0000-1234 ").unwrap(),
            Login::Mobile("13800001234".into())
        );
        assert_eq!(Login::parse("12800001234"), Err(FieldError::NotALogin));
        assert_eq!(Login::parse("1380000123"), Err(FieldError::NotALogin));
    }

    #[test]
    fn emails_are_lower_cased_and_checked() {
        assert_eq!(
            Login::parse(" Li.Hua@Example.CN ").unwrap(),
            Login::Email("li.hua@example.cn".into())
        );
        for bad in ["@example.cn", "a@b", "a@.cn", "a b@c.cn", "a@b@c.cn"] {
            assert_eq!(Login::parse(bad), Err(FieldError::NotALogin), "{bad}");
        }
        assert_eq!(Login::parse("   "), Err(FieldError::Empty));
    }

    #[test]
    fn nicknames_count_characters_not_bytes() {
        let chinese: String = "绿".repeat(NICKNAME_MAX_CHARS);
        assert_eq!(parse_nickname(&chinese).unwrap(), chinese);
        assert_eq!(
            parse_nickname(&format!("{chinese}行")),
            Err(FieldError::TooLong)
        );
        assert_eq!(parse_nickname("a\u{7}b"), Err(FieldError::BadCharacters));
    }

    #[test]
    fn weak_passwords_are_refused() {
        assert_eq!(check_new_password("short"), Err(FieldError::TooShort));
        assert_eq!(check_new_password("PASSWORD1"), Err(FieldError::TooCommon));
        assert_eq!(
            check_new_password(&"x".repeat(PASSWORD_MAX_CHARS + 1)),
            Err(FieldError::TooLong)
        );
        assert!(check_new_password("东昌湖-bus-2026").is_ok());
    }

    #[test]
    fn roles_round_trip_their_names() {
        for role in [Role::Citizen, Role::Reviewer, Role::Admin] {
            assert_eq!(Role::from_name(role.as_str()), Some(role));
        }
        assert_eq!(Role::from_name("root"), None);
    }
}
