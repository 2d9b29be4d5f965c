//! SHA-256 and lowercase hex, a leaf every layer may use: a published
//! version's content hash, a token and its recorded hash, an uploaded
//! part's hash.

use sha2::{Digest, Sha256};

/// SHA-256 of `bytes`, lowercase hex.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// Lowercase hex. By table, not `write!("{:02x}")`: every request hashes
/// its bearer token, and formatting byte by byte was 1 % of account
/// creation's CPU.
pub(crate) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    out
}
