//! The local HTTP server the browser check loads the built book from, which *records* every
//! request.
//!
//! A page that renders can still be wrong: an image, stylesheet or script it asks for may be
//! missing. The browser does not say so on its own, but it has to ask the server for each one, so
//! the server logs every request with the status it answered, and the browser check reads the log
//! after each page: a 404 is observed, not guessed.
//!
//! HTTP itself is `tiny_http`'s. What is ours is the log, which URL path maps to which file of
//! the book ([`html::resolve`], the same resolution the link checks use), and the content types.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::thread;

use tiny_http::{Header, Method, Response};

use super::html;

/// One request the browser made: the path and the status the server answered.
pub type Request = (String, u16);

/// A static-file HTTP server on 127.0.0.1 that logs every request.
pub struct Server {
    /// The port it listens on.
    pub port: u16,
    http: Arc<tiny_http::Server>,
    log: Arc<Mutex<Vec<Request>>>,
    worker: Option<thread::JoinHandle<()>>,
}

impl Server {
    /// Serves the files under `root` on a free port.
    pub fn start(root: &Path) -> std::io::Result<Server> {
        let http = Arc::new(tiny_http::Server::http("127.0.0.1:0").map_err(std::io::Error::other)?);
        let port = http
            .server_addr()
            .to_ip()
            .map(|a| a.port())
            .ok_or_else(|| std::io::Error::other("the server has no IP address"))?;
        let log = Arc::new(Mutex::new(Vec::new()));
        let (root, http2, log2) = (root.to_path_buf(), Arc::clone(&http), Arc::clone(&log));
        // One thread answers every request in turn: the book's files are small, and tiny_http
        // reads the connections on its own threads.
        let worker = thread::spawn(move || {
            for request in http2.incoming_requests() {
                answer(request, &root, &log2);
            }
        });
        Ok(Server {
            port,
            http,
            log,
            worker: Some(worker),
        })
    }

    /// The URL of `page` (relative to the served root).
    pub fn url(&self, page: &str) -> String {
        format!("http://127.0.0.1:{}/{page}", self.port)
    }

    /// Takes the requests logged so far.
    pub fn take_log(&self) -> Vec<Request> {
        std::mem::take(&mut *self.log.lock().unwrap_or_else(|e| e.into_inner()))
    }
}

impl std::fmt::Debug for Server {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Server")
            .field("port", &self.port)
            .finish_non_exhaustive()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        // Ends `incoming_requests`, so the worker returns.
        self.http.unblock();
        if let Some(h) = self.worker.take() {
            let _ = h.join();
        }
    }
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css",
        "js" => "text/javascript",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "json" => "application/json",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "ttf" => "font/ttf",
        _ => "application/octet-stream",
    }
}

/// Answers one request (GET only), logging it *before* the response is sent, so the log is
/// complete by the time the browser has what it asked for.
fn answer(request: tiny_http::Request, root: &Path, log: &Mutex<Vec<Request>>) {
    let path = request
        .url()
        .split(['?', '#'])
        .next()
        .unwrap_or("/")
        .to_string();
    let file: Option<PathBuf> = html::resolve("index.html", &path).map(|(rel, _)| root.join(rel));
    let (status, body, ctype) = match file {
        Some(f) if *request.method() == Method::Get && f.is_file() => match std::fs::read(&f) {
            Ok(bytes) => (200, bytes, content_type(&f)),
            Err(_) => (500, b"read error".to_vec(), "text/plain"),
        },
        _ => (404, b"not found".to_vec(), "text/plain"),
    };
    log.lock()
        .unwrap_or_else(|e| e.into_inner())
        .push((path, status));
    let mut response = Response::from_data(body).with_status_code(status);
    if let Ok(h) = Header::from_bytes("Content-Type", ctype) {
        response.add_header(h);
    }
    let _ = request.respond(response);
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use std::net::TcpStream;

    #[test]
    fn the_server_serves_files_and_logs_404s() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("index.html"), "<html>hi</html>").unwrap();
        let server = Server::start(dir.path()).unwrap();
        let get = |path: &str| {
            let mut s = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
            write!(
                s,
                "GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
            )
            .unwrap();
            let mut body = String::new();
            std::io::Read::read_to_string(&mut s, &mut body).unwrap();
            body
        };
        assert!(get("/").contains("200 OK"));
        assert!(get("/index.html").ends_with("<html>hi</html>"));
        assert!(get("/missing.png").contains("404"));
        // The query is not part of the path (mdbook adds `?v=...` to its scripts).
        assert!(get("/page.css?v=1").contains("404"));
        // Each request is logged before its response is sent: the log is complete now.
        let mut log = server.take_log();
        log.sort();
        assert_eq!(
            log,
            vec![
                ("/".to_string(), 200),
                ("/index.html".to_string(), 200),
                ("/missing.png".to_string(), 404),
                ("/page.css".to_string(), 404),
            ]
        );
        assert_eq!(server.take_log(), vec![], "taking the log empties it");
    }

    #[test]
    fn served_files_carry_their_content_type() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("images")).unwrap();
        std::fs::write(dir.path().join("images/a b.svg"), "<svg/>").unwrap();
        let server = Server::start(dir.path()).unwrap();
        let mut s = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
        write!(
            s,
            "GET /images/a%20b.svg HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut reply = String::new();
        std::io::Read::read_to_string(&mut s, &mut reply).unwrap();
        assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
        assert!(
            reply
                .to_ascii_lowercase()
                .contains("content-type: image/svg+xml"),
            "{reply}"
        );
        assert_eq!(
            server.take_log(),
            vec![("/images/a%20b.svg".to_string(), 200)]
        );
    }
}
