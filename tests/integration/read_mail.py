"""Parses a received message with Python's email package and prints what the
mail test checks, one "key: value" per line."""
import email
import email.policy
import sys

raw = open(sys.argv[1], "rb").read()
msg = email.message_from_bytes(raw, policy=email.policy.default)
print("crlf:", all(line.endswith(b"\r") for line in raw.split(b"\n")[:-1]))
print("longest_line:", max(len(line) for line in raw.split(b"\n")))
for h in ("Subject", "From", "To", "Message-ID", "Date", "MIME-Version", "Content-Type",
          "Content-Transfer-Encoding", "Bcc", "X-Injected"):
    print("%s: %s" % (h, msg.get(h)))
print("header_names:", ",".join(sorted(k for k in msg.keys())))
body = msg.get_content()
print("body_has_escape:", "\x1b" in body)
print("body:")
print(body)
