//! `mcast sockopt`: set options and join groups on a UDP socket of each
//! family, then show what the kernel reads back for every option it has.
//! Kernel refusals are findings: they go to stderr and into the table, and
//! make the exit code 3 once everything is shown.

use std::io::{self, Write};

use anyhow::Result;

use crate::config::{SockoptConfig, TableFormat, Ui};
use crate::exit::Exit;
use crate::output::json::write_record;
use crate::platform::Family;
use crate::record::{sockopt_records, Start};
use crate::sockopt::{self, Section};

pub fn run(cfg: SockoptConfig, _ui: Ui) -> Result<Exit> {
    let families: Vec<Family> = [(cfg.ipv4, Family::V4), (cfg.ipv6, Family::V6)]
        .into_iter()
        .filter_map(|(on, f)| on.then_some(f))
        .collect();
    // All input is checked before the first socket exists.
    let requests = sockopt::plan(&cfg.sets, &families, cfg.iface.as_ref(), &cfg.ifaces)?;
    let mut failed = false;
    let mut sections: Vec<Section> = Vec::new();
    for &family in &families {
        match sockopt::probe(family, &requests, &cfg.joins, cfg.iface.as_ref()) {
            Ok(section) => {
                report_errors(&section)?;
                failed |= section.failed();
                sections.push(section);
            }
            Err(e) => {
                crate::say!(
                    "mcast: opening an {} UDP socket: {}",
                    family.name(),
                    sockopt::errno_text(&e)
                )?;
                failed = true;
            }
        }
    }
    let mut out = io::stdout().lock();
    match cfg.format {
        TableFormat::Text => {
            for (i, section) in sections.iter().enumerate() {
                if i > 0 {
                    writeln!(out)?;
                }
                out.write_all(sockopt::render_text(section, &cfg.ifaces).as_bytes())?;
            }
        }
        TableFormat::Json => {
            write_record(&mut out, &Start::sockopt(&families, cfg.iface.as_ref()))?;
            for section in &sections {
                for record in sockopt_records(section) {
                    write_record(&mut out, &record)?;
                }
            }
        }
    }
    out.flush()?;
    Ok(if failed {
        Exit::SystemError
    } else {
        Exit::Success
    })
}

/// One stderr line per refusal, naming the option (or join) and the errno.
fn report_errors(section: &Section) -> Result<()> {
    for line in section.rows.iter().filter_map(|r| r.set_error_line()) {
        crate::say!("mcast: {line}")?;
    }
    for j in &section.joins {
        if let Some(e) = &j.error {
            crate::say!("mcast: {}: {}", j.describe(), sockopt::errno_text(e))?;
        }
    }
    Ok(())
}
