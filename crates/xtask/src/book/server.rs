//! The local HTTP server the browser check loads the built book from, which *records* every
//! request.
//!
//! A page that renders can still be wrong: an image, stylesheet or script it asks for may be
//! missing. The browser does not say so on its own, but it has to ask the server for each one, so
//! the server logs every request with the status it answered, and the browser check reads the log
//! after each page: a 404 is observed, not guessed.
//!
//! HTTP itself is `hyper`'s (HTTP/1.1 with keep-alive, on a small tokio runtime of its own).
//! What is ours is the log, which URL path maps to which file of the book ([`html::resolve`],
//! the same resolution the link checks use), and the content types.
//!
//! For the [`layout`](super::layout) check the server can also carry a script of its own: a page
//! asked for with `?layout-check` gets it inlined before `</body>`, so the book's files stay as
//! mdbook wrote them, and `/__frame/<width>/<page>` answers a small page that shows `<page>` in
//! an iframe `<width>` px wide (headless Chromium will not make its window narrower than 500 px).

use std::convert::Infallible;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use http_body_util::Full;
use hyper::body::Bytes;
use hyper::header::{CONTENT_TYPE, HeaderValue};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Response, StatusCode};
use hyper_util::rt::TokioIo;

use super::html;

/// One request the browser made: the path and the status the server answered.
pub type Request = (String, u16);

/// A static-file HTTP server on 127.0.0.1 that logs every request.
#[derive(Debug)]
pub struct Server {
    /// The port it listens on.
    pub port: u16,
    log: Arc<Mutex<Vec<Request>>>,
    /// Runs the accept loop and one task per connection; dropping the server shuts it down.
    runtime: Option<tokio::runtime::Runtime>,
}

impl Server {
    /// Serves the files under `root` on a free port; `inject` is the script a page asked for with
    /// `?layout-check` gets (see the module docs).
    pub fn start(root: &Path, inject: Option<&'static str>) -> std::io::Result<Server> {
        let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
        let port = listener.local_addr()?.port();
        listener.set_nonblocking(true)?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("book-server")
            .enable_io()
            .build()?;
        let listener = {
            let _in_runtime = runtime.enter();
            tokio::net::TcpListener::from_std(listener)?
        };
        let log = Arc::new(Mutex::new(Vec::new()));
        let (root, log2) = (Arc::new(root.to_path_buf()), Arc::clone(&log));
        runtime.spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    tokio::task::yield_now().await;
                    continue;
                };
                let (root, log) = (Arc::clone(&root), Arc::clone(&log2));
                tokio::spawn(async move {
                    // The files are small: each is read and answered in one go.
                    let service = service_fn(move |request| {
                        std::future::ready(Ok::<_, Infallible>(answer(
                            &request, &root, &log, inject,
                        )))
                    });
                    let _ = http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        Ok(Server {
            port,
            log,
            runtime: Some(runtime),
        })
    }

    /// The URL of `page` (relative to the served root).
    pub fn url(&self, page: &str) -> String {
        format!("http://127.0.0.1:{}/{page}", self.port)
    }

    /// The URL of `page` with the injected script, shown `width` px wide: the page itself for a
    /// window at least that wide, or in a frame of that width (see the module docs).
    pub fn layout_url(&self, page: &str, width: u32, framed: bool) -> String {
        if framed {
            format!("http://127.0.0.1:{}/{FRAME}/{width}/{page}", self.port)
        } else {
            format!("http://127.0.0.1:{}/{page}?{LAYOUT_QUERY}", self.port)
        }
    }

    /// Takes the requests logged so far.
    pub fn take_log(&self) -> Vec<Request> {
        std::mem::take(&mut *self.log.lock().unwrap_or_else(|e| e.into_inner()))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        // Stops the accept loop and every connection.
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
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

/// The query that asks for the injected script.
const LAYOUT_QUERY: &str = "layout-check";
/// The path prefix of the framing page.
const FRAME: &str = "__frame";

/// The page that shows `page` (with the injected script) in an iframe `width` px wide, and holds
/// the report the script writes into its parent.
fn frame_page(width: u32, page: &str) -> Vec<u8> {
    format!(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{page} at {width} px</title>\
         </head><body style=\"margin:0;background:#ccc\"><iframe src=\"/{page}?{LAYOUT_QUERY}\" \
         style=\"border:0;width:{width}px;height:100vh;display:block\"></iframe></body></html>"
    )
    .into_bytes()
}

/// `bytes` (an HTML page) with `script` inlined before its `</body>`.
fn with_script(bytes: Vec<u8>, script: &str) -> Vec<u8> {
    let text = String::from_utf8_lossy(&bytes);
    let tag = format!("<script>{script}</script>");
    match text.rfind("</body>") {
        Some(at) => format!("{}{tag}{}", &text[..at], &text[at..]).into_bytes(),
        None => format!("{text}{tag}").into_bytes(),
    }
}

/// Answers one request (GET only), logging it *before* the response is sent, so the log is
/// complete by the time the browser has what it asked for.
fn answer<B>(
    request: &hyper::Request<B>,
    root: &Path,
    log: &Mutex<Vec<Request>>,
    inject: Option<&str>,
) -> Response<Full<Bytes>> {
    let path = request.uri().path().to_string();
    let wants_script = request.uri().query() == Some(LAYOUT_QUERY);
    let framed = path
        .strip_prefix(&format!("/{FRAME}/"))
        .and_then(|rest| rest.split_once('/'))
        .and_then(|(w, page)| Some((w.parse::<u32>().ok()?, page.to_string())));
    let file: Option<PathBuf> = html::resolve("index.html", &path).map(|(rel, _)| root.join(rel));
    let (status, body, ctype) = match (file, framed) {
        (_, Some((width, page))) if inject.is_some() && request.method() == Method::GET => (
            StatusCode::OK,
            frame_page(width, &page),
            "text/html; charset=utf-8",
        ),
        (Some(f), _) if request.method() == Method::GET && f.is_file() => match std::fs::read(&f) {
            Ok(bytes) => match inject {
                Some(script) if wants_script && content_type(&f).starts_with("text/html") => {
                    (StatusCode::OK, with_script(bytes, script), content_type(&f))
                }
                _ => (StatusCode::OK, bytes, content_type(&f)),
            },
            Err(_) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                b"read error".to_vec(),
                "text/plain",
            ),
        },
        _ => (StatusCode::NOT_FOUND, b"not found".to_vec(), "text/plain"),
    };
    log.lock()
        .unwrap_or_else(|e| e.into_inner())
        .push((path, status.as_u16()));
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(ctype));
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use std::net::TcpStream;

    /// The whole response (status line, headers, body) to `GET path` on `port`.
    fn get(port: u16, path: &str) -> String {
        let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
        write!(
            s,
            "GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut body = String::new();
        std::io::Read::read_to_string(&mut s, &mut body).unwrap();
        body
    }

    #[test]
    fn the_server_serves_files_and_logs_404s() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("index.html"), "<html>hi</html>").unwrap();
        let server = Server::start(dir.path(), None).unwrap();
        let get = |path: &str| get(server.port, path);
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

    /// Reads one response (head and a `Content-Length` body) off a keep-alive connection.
    fn read_response(s: &mut TcpStream) -> std::io::Result<(String, Vec<u8>)> {
        use std::io::Read;
        let mut head = Vec::new();
        let mut byte = [0u8];
        while !head.ends_with(b"\r\n\r\n") {
            s.read_exact(&mut byte)?;
            head.push(byte[0]);
        }
        let head = String::from_utf8_lossy(&head).into_owned();
        let len: usize = head
            .lines()
            .find_map(|l| {
                let (k, v) = l.split_once(':')?;
                k.eq_ignore_ascii_case("content-length")
                    .then(|| v.trim().parse().ok())?
            })
            .unwrap_or(0);
        let mut body = vec![0u8; len];
        s.read_exact(&mut body)?;
        Ok((head, body))
    }

    #[test]
    fn the_server_answers_a_burst_of_keep_alive_connections() {
        // What a browser does: open several connections at once and keep each one open for
        // the page's next files. Every request must be answered (a server that parks a
        // connection hangs the page until the browser gives up).
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.css"), "p {}").unwrap();
        let server = Server::start(dir.path(), None).unwrap();
        // Let the server settle first, as it has by the time Chromium starts.
        std::thread::sleep(std::time::Duration::from_millis(200));
        let mut conns: Vec<TcpStream> = (0..8)
            .map(|_| {
                let s = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
                s.set_read_timeout(Some(std::time::Duration::from_secs(10)))
                    .unwrap();
                s
            })
            .collect();
        for round in 0..2 {
            for s in &mut conns {
                write!(s, "GET /a.css HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
            }
            for (i, s) in conns.iter_mut().enumerate() {
                let (head, body) = read_response(s)
                    .unwrap_or_else(|e| panic!("round {round}, connection {i}: {e}"));
                assert!(head.starts_with("HTTP/1.1 200"), "{head}");
                assert_eq!(body, b"p {}");
            }
        }
        assert_eq!(server.take_log().len(), 16);
    }

    #[test]
    fn the_layout_script_is_inlined_only_when_asked_for_and_narrow_pages_are_framed() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("ch.html"),
            "<html><body><p>x</p></body></html>",
        )
        .unwrap();
        let server = Server::start(dir.path(), Some("probe();")).unwrap();
        let get = |path: &str| get(server.port, path);
        assert!(
            get("/ch.html").ends_with("<p>x</p></body></html>"),
            "untouched"
        );
        assert!(
            get("/ch.html?layout-check")
                .ends_with("<p>x</p><script>probe();</script></body></html>")
        );
        let frame = get("/__frame/400/ch.html");
        assert!(frame.starts_with("HTTP/1.1 200"), "{frame}");
        assert!(
            frame.contains("<iframe src=\"/ch.html?layout-check\" style=\"border:0;width:400px;"),
            "{frame}"
        );
        assert_eq!(
            server.layout_url("ch.html", 400, true),
            format!("http://127.0.0.1:{}/__frame/400/ch.html", server.port)
        );
        // Without a script there is no framing page either.
        let plain = Server::start(dir.path(), None).unwrap();
        let mut s = TcpStream::connect(("127.0.0.1", plain.port)).unwrap();
        write!(
            s,
            "GET /__frame/400/ch.html HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut reply = String::new();
        std::io::Read::read_to_string(&mut s, &mut reply).unwrap();
        assert!(reply.starts_with("HTTP/1.1 404"), "{reply}");
    }

    #[test]
    fn served_files_carry_their_content_type() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("images")).unwrap();
        std::fs::write(dir.path().join("images/a b.svg"), "<svg/>").unwrap();
        let server = Server::start(dir.path(), None).unwrap();
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
