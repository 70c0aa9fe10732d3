//! A Rust test run as a build's test suite runs one: the harness's
//! threads, processes started with std::process, files, a loopback server.

#[cfg(test)]
mod tests {
    use std::io::{BufRead, BufReader, Write};
    use std::net::{TcpListener, TcpStream};
    use std::process::Command;
    use std::{env, fs, thread};

    #[test]
    fn exec() {
        let out = Command::new("sh").args(["-c", "echo child"]).output().unwrap();
        assert!(out.status.success());
        assert_eq!(out.stdout, b"child\n");
    }

    #[test]
    fn files() {
        let dir = env::temp_dir().join(format!("compat-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let (a, b) = (dir.join("a"), dir.join("b"));
        fs::write(&a, b"data").unwrap();
        fs::rename(&a, &b).unwrap();
        assert_eq!(fs::read(&b).unwrap(), b"data");
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn loopback() {
        let ln = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = ln.local_addr().unwrap();
        let server = thread::spawn(move || {
            let (c, _) = ln.accept().unwrap();
            let mut line = String::new();
            BufReader::new(&c).read_line(&mut line).unwrap();
            (&c).write_all(format!("echo:{line}").as_bytes()).unwrap();
        });
        let mut c = TcpStream::connect(addr).unwrap();
        c.write_all(b"ping\n").unwrap();
        let mut got = String::new();
        BufReader::new(&c).read_line(&mut got).unwrap();
        assert_eq!(got, "echo:ping\n");
        server.join().unwrap();
    }

    #[test]
    fn threads() {
        let handles: Vec<_> = (0..32).map(|i| thread::spawn(move || i * 2)).collect();
        let sum: i32 = handles.into_iter().map(|h| h.join().unwrap()).sum();
        assert_eq!(sum, 32 * 31);
    }
}
