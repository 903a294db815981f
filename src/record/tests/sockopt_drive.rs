//! The sockopt part of the golden tests' driver: Linux's option table
//! and errno numbers.

use std::io::Write;
use std::net::IpAddr;

use crate::config::{Iface, IfaceTable};
use crate::output::json::write_record;
use crate::platform::Family;
use crate::record::{sockopt_records, Start};
use crate::sockopt::{self, JoinReport, Report, Request, Section, Setting, Value};

/// Two families' sections with every kind of value, request and error
/// (Linux's table and errno numbers).
pub fn sockopt_sections(ifaces: &IfaceTable) -> Vec<Section> {
    let eperm = || std::io::Error::from_raw_os_error(1);
    let einval = || std::io::Error::from_raw_os_error(22);
    let mc0 = ifaces.by_index(3).cloned();
    [Family::V4, Family::V6]
        .into_iter()
        .map(|family| {
            let rows = sockopt::table()
                .iter()
                .enumerate()
                .map(|(i, row)| {
                    let value = match i % 4 {
                        0 => Ok(Value::Int(i as i32)),
                        1 => Ok(Value::Index(3)),
                        2 => Ok(Value::Addr("192.0.2.1".parse().unwrap())),
                        _ => Err(eperm()),
                    };
                    let request = (i % 3 == 0).then(|| Request {
                        row,
                        family,
                        value: "5".to_string(),
                        setting: Setting::Int(5),
                        origin: (i % 2 == 1).then_some("-i"),
                        how: (i % 6 == 3).then(|| "mc0 by its index 3".to_string()),
                    });
                    Report {
                        row,
                        family,
                        value,
                        set_error: (i % 9 == 0).then(einval),
                        request,
                        default: if i % 2 == 0 {
                            Value::Int(0)
                        } else {
                            Value::Index(7)
                        },
                    }
                })
                .collect();
            let group: IpAddr = match family {
                Family::V4 => "239.1.1.1".parse().unwrap(),
                Family::V6 => "ff15::1".parse().unwrap(),
            };
            let joins = vec![
                JoinReport {
                    group,
                    source: None,
                    iface: mc0.clone(),
                    error: None,
                },
                JoinReport {
                    group,
                    source: Some(match family {
                        Family::V4 => "198.51.100.1".parse().unwrap(),
                        Family::V6 => "2001:db8::9".parse().unwrap(),
                    }),
                    iface: None,
                    error: Some(std::io::Error::from_raw_os_error(98)),
                },
            ];
            Section {
                family,
                rows,
                joins,
            }
        })
        .collect()
}

pub fn sockopt_start(families: &[Family], iface: Option<&Iface>) -> Vec<u8> {
    let mut out = Vec::new();
    write_record(&mut out, &Start::sockopt(families, iface)).unwrap();
    out
}

pub fn sockopt_json(sections: &[Section]) -> Vec<u8> {
    let mut out = Vec::new();
    for section in sections {
        for record in sockopt_records(section) {
            write_record(&mut out, &record).unwrap();
        }
    }
    out
}

pub fn sockopt_text(sections: &[Section], ifaces: &IfaceTable) -> Vec<u8> {
    let mut out = Vec::new();
    for (i, section) in sections.iter().enumerate() {
        if i > 0 {
            writeln!(out).unwrap();
        }
        out.write_all(sockopt::render_text(section, ifaces).as_bytes())
            .unwrap();
    }
    out
}
