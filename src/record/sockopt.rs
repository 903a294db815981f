//! `mcast sockopt --json`: one `sockopt` record per option row, then one
//! `join` record per `--join`, for each family's socket.

use std::net::IpAddr;

use serde::{Serialize, Serializer};

use crate::sockopt::{errno_text, JoinReport, Report, Section, Value};

/// An option value read back: a number, or an IPv4 address as a string.
fn option_value<S: Serializer>(v: &Option<Value>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        None => s.serialize_none(),
        Some(v) => value(v, s),
    }
}

fn value<S: Serializer>(v: &Value, s: S) -> Result<S::Ok, S::Error> {
    match *v {
        Value::Int(n) => s.serialize_i32(n),
        Value::Index(n) => s.serialize_u32(n),
        Value::Addr(a) => s.collect_str(&a),
    }
}

/// `{"type":"sockopt"}`: one option of one family's socket.
#[derive(Debug, Serialize)]
#[serde(tag = "type", rename = "sockopt")]
pub struct SockoptRow<'a> {
    pub family: &'static str,
    pub option: &'static str,
    pub level: &'static str,
    #[serde(serialize_with = "option_value")]
    pub value: Option<Value>,
    pub requested: Option<&'a str>,
    pub requested_by: Option<&'static str>,
    #[serde(serialize_with = "value")]
    pub default: Value,
    pub default_sysctl: Option<&'static str>,
    pub set_error: Option<String>,
    pub get_error: Option<String>,
    pub notes: Vec<String>,
}

/// `{"type":"join"}`: one `--join` on one family's socket.
#[derive(Debug, Serialize)]
#[serde(tag = "type", rename = "join")]
pub struct SockoptJoin<'a> {
    pub family: &'static str,
    pub call: &'static str,
    pub group: IpAddr,
    pub source: Option<IpAddr>,
    pub iface: Option<&'a str>,
    pub ifindex: u32,
    pub error: Option<String>,
}

/// Either record, in the order they are printed.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum SockoptLine<'a> {
    Row(SockoptRow<'a>),
    Join(SockoptJoin<'a>),
}

impl<'a> SockoptRow<'a> {
    fn new(family: &'static str, r: &'a Report) -> Self {
        Self {
            family,
            option: r.row.name(),
            level: r.row.level.name,
            value: r.value.as_ref().ok().copied(),
            requested: r.request.as_ref().map(|q| q.value.as_str()),
            requested_by: r.request.as_ref().map(|q| q.origin.unwrap_or("--set")),
            default: r.default,
            default_sysctl: r.row.default.sysctl(),
            set_error: r.set_error.as_ref().map(errno_text),
            get_error: r.value.as_ref().err().map(errno_text),
            notes: r.notes(),
        }
    }
}

impl<'a> SockoptJoin<'a> {
    fn new(family: &'static str, j: &'a JoinReport) -> Self {
        Self {
            family,
            call: j.call(),
            group: j.group,
            source: j.source,
            iface: j.iface.as_ref().map(|i| i.name.as_str()),
            ifindex: j.iface.as_ref().map_or(0, |i| i.index),
            error: j.error.as_ref().map(errno_text),
        }
    }
}

/// One family's records: a `sockopt` per row, then a `join` per group.
pub fn sockopt_records(section: &Section) -> Vec<SockoptLine<'_>> {
    let family = section.family.name();
    section
        .rows
        .iter()
        .map(|r| SockoptLine::Row(SockoptRow::new(family, r)))
        .chain(
            section
                .joins
                .iter()
                .map(|j| SockoptLine::Join(SockoptJoin::new(family, j))),
        )
        .collect()
}
