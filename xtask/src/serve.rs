//! `cargo xtask run`: serves `dist/` on 127.0.0.1 so the page can be opened over http too.

use anyhow::{anyhow, Context, Result};
use std::path::{Path, PathBuf};

const DEFAULT_PORT: u16 = 8080;

/// Serves the folder of `page` until the process is stopped (Ctrl+C).
pub fn serve(page: &Path) -> Result<()> {
    let dir = page
        .parent()
        .context("the page has no parent folder")?
        .to_path_buf();
    let port = port()?;
    let server = tiny_http::Server::http(("127.0.0.1", port)).map_err(|err| {
        anyhow!(
            "could not listen on 127.0.0.1:{port}: {err} (set ZHIBIAO_PORT to use another port)"
        )
    })?;
    let name = page
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    let absolute = std::fs::canonicalize(page).unwrap_or_else(|_| page.to_path_buf());
    println!(
        "\nServing {} at http://127.0.0.1:{port}/{name}",
        dir.display()
    );
    println!("The same page as a file: {}", absolute.display());
    println!("Press Ctrl+C to stop.");
    for request in server.incoming_requests() {
        let response = respond(&dir, &name, request.url());
        if let Err(err) = request.respond(response) {
            eprintln!("serve: could not answer: {err}");
        }
    }
    Ok(())
}

/// The port from `ZHIBIAO_PORT`, else 8080.
fn port() -> Result<u16> {
    match std::env::var("ZHIBIAO_PORT") {
        Ok(text) => text
            .trim()
            .parse()
            .with_context(|| format!("ZHIBIAO_PORT=`{text}` is not a port number")),
        Err(_) => Ok(DEFAULT_PORT),
    }
}

type Response = tiny_http::Response<std::io::Cursor<Vec<u8>>>;

/// The answer to one GET: a file directly inside `dir`, `/` as the page, else 404.
fn respond(dir: &Path, page_name: &str, url: &str) -> Response {
    let path = url.split(['?', '#']).next().unwrap_or("/");
    let name = match path.trim_start_matches('/') {
        "" => page_name,
        other => other,
    };
    match file_in(dir, name).and_then(|file| std::fs::read(&file).ok().map(|bytes| (file, bytes))) {
        Some((file, bytes)) => with_type(tiny_http::Response::from_data(bytes), &file),
        None => with_type(
            tiny_http::Response::from_data(b"404 not found\n".to_vec()).with_status_code(404),
            Path::new("404.txt"),
        ),
    }
}

/// A plain file name directly inside `dir` (no folders, no `..`).
fn file_in(dir: &Path, name: &str) -> Option<PathBuf> {
    let plain = !name.is_empty() && !name.contains(['/', '\\']) && name != ".." && name != ".";
    plain.then(|| dir.join(name)).filter(|file| file.is_file())
}

fn with_type(response: Response, file: &Path) -> Response {
    let mime = match file.extension().and_then(|ext| ext.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("wasm") => "application/wasm",
        Some("xlsx") => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        _ => "text/plain; charset=utf-8",
    };
    match tiny_http::Header::from_bytes("Content-Type", mime) {
        Ok(header) => response.with_header(header),
        Err(()) => response,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_names_are_served() {
        let dir = std::env::temp_dir();
        assert!(file_in(&dir, "../etc/passwd").is_none());
        assert!(file_in(&dir, "..").is_none());
        assert!(file_in(&dir, "").is_none());
    }
}
