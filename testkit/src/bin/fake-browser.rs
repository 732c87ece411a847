//! The `BROWSER` program of the credential tests: fetches the address it is
//! given (plain http, as the fake OAuth server and the flow's listener
//! speak) and follows redirects, as a browser whose user clicks "Allow"
//! would. With `FAKE_BROWSER_LOG` set, it appends each address it was given
//! to that file, so that a test can tell whether a browser was opened.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::ExitCode;

fn main() -> ExitCode {
    let Some(mut address) = std::env::args().nth(1) else {
        eprintln!("fake-browser: no address given");
        return ExitCode::FAILURE;
    };
    if let Some(log) = std::env::var_os("FAKE_BROWSER_LOG") {
        let logged = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(log)
            .and_then(|mut file| writeln!(file, "{address}"));
        if let Err(error) = logged {
            eprintln!("fake-browser: cannot log: {error}");
        }
    }
    for _ in 0..5 {
        match fetch(&address) {
            Ok((status, Some(location))) if (300..400).contains(&status) => address = location,
            Ok((status, _)) if (200..300).contains(&status) => return ExitCode::SUCCESS,
            Ok((status, _)) => {
                eprintln!("fake-browser: HTTP {status}");
                return ExitCode::FAILURE;
            }
            Err(error) => {
                eprintln!("fake-browser: {error}");
                return ExitCode::FAILURE;
            }
        }
    }
    eprintln!("fake-browser: too many redirects");
    ExitCode::FAILURE
}

/// One GET: the status and the `Location` header.
fn fetch(address: &str) -> Result<(u16, Option<String>), String> {
    let rest = address.strip_prefix("http://").ok_or("only http:// addresses")?;
    let (host, target) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let target = if target.is_empty() { "/" } else { target };
    let mut stream = TcpStream::connect(host).map_err(|error| format!("{host}: {error}"))?;
    write!(stream, "GET {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n")
        .map_err(|error| error.to_string())?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response).map_err(|error| error.to_string())?;
    let response = String::from_utf8_lossy(&response);
    let mut lines = response.split("\r\n");
    let status = lines
        .next()
        .and_then(|line| line.split(' ').nth(1))
        .and_then(|code| code.parse().ok())
        .ok_or("not an HTTP response")?;
    let location = lines.take_while(|line| !line.is_empty()).find_map(|line| {
        let (name, value) = line.split_once(':')?;
        name.eq_ignore_ascii_case("location").then(|| value.trim().to_owned())
    });
    Ok((status, location))
}
