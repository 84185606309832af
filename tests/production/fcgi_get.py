#!/usr/bin/env python3
"""fcgi_get.py SOCKET PATH: one FastCGI GET over a unix socket, as nginx sends it; prints the response (headers and body)."""
import socket
import struct
import sys


def record(kind, content, req_id=1):
    return struct.pack("!BBHHBx", 1, kind, req_id, len(content), 0) + content


def params(pairs):
    out = b""
    for k, v in pairs.items():
        k, v = k.encode(), v.encode()
        out += bytes([len(k)]) + bytes([len(v)]) + k + v   # all short here
    return out


def main():
    sock_path, path = sys.argv[1], sys.argv[2]
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(10)
    s.connect(sock_path)
    env = {"REQUEST_METHOD": "GET", "REQUEST_URI": path, "DOCUMENT_URI": path, "QUERY_STRING": "",
           "SERVER_PROTOCOL": "HTTP/1.1", "SERVER_NAME": "localhost", "SERVER_PORT": "80",
           "GATEWAY_INTERFACE": "CGI/1.1", "CONTENT_LENGTH": ""}
    s.sendall(record(1, struct.pack("!HB5x", 1, 0))          # BEGIN_REQUEST, responder, no keep-alive
              + record(4, params(env)) + record(4, b"")       # PARAMS
              + record(5, b""))                                # STDIN (empty)
    out, buf = b"", b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        buf += chunk
        while len(buf) >= 8:
            _, kind, _, clen, plen = struct.unpack("!BBHHB", buf[:7])
            if len(buf) < 8 + clen + plen:
                break
            if kind == 6:                                      # STDOUT
                out += buf[8:8 + clen]
            buf = buf[8 + clen + plen:]
    sys.stdout.write(out.decode("utf-8", "replace"))


if __name__ == "__main__":
    main()
