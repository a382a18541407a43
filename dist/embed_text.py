"""Writes a text file as a C string, for thaw to carry its own documents.

usage: embed_text.py NAME INPUT OUTPUT
OUTPUT defines `const char NAME[]` holding INPUT's bytes.
"""
import sys

name, source, target = sys.argv[1:4]
data = open(source, "rb").read()
with open(target, "w") as out:
    out.write("/* generated from %s by dist/embed_text.py */\n" % source.split("/")[-1])
    out.write("const char %s[] =\n" % name)
    for line in data.split(b"\n"):
        text = "".join(chr(b) if 32 <= b < 127 and b not in b'"\\?' else "\\%03o" % b for b in line + b"\n")
        out.write('\t"%s"\n' % text)
    out.write(";\n")
