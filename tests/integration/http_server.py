"""A real HTTP server on 127.0.0.1 that receives thaw's webhook posts.

usage: http_server.py --port N --dir DIR [--answers 503,200] [--redirect]
Each POST is written to DIR/N.json (the body, exactly the bytes received)
and DIR/N.headers (one "Name: value" a line).  --answers gives the status
of each post in turn, the last one repeated (default 200); --redirect
answers every post with 302 to another path of this server, which records
a post there as DIR/N.followed.  DIR/ready appears once it listens.  Runs
until killed.
"""
import argparse
import os
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--dir", required=True)
    p.add_argument("--answers", default="200")
    p.add_argument("--redirect", action="store_true")
    a = p.parse_args()
    answers = [int(x) for x in a.answers.split(",")]
    state = {"count": 0}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            state["count"] += 1
            n = state["count"]
            suffix = "followed" if self.path == "/moved" else "json"
            with open(os.path.join(a.dir, "%d.%s" % (n, suffix)), "wb") as f:
                f.write(body)
            with open(os.path.join(a.dir, "%d.headers" % n), "w") as f:
                for k, v in self.headers.items():
                    f.write("%s: %s\n" % (k, v))
            if a.redirect and self.path != "/moved":
                self.send_response(302)
                self.send_header("Location", "/moved")
            else:
                self.send_response(answers[min(n, len(answers)) - 1])
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", a.port), Handler)
    open(os.path.join(a.dir, "ready"), "w").close()
    server.serve_forever()


if __name__ == "__main__":
    main()
