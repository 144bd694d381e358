# A student's UDP time server, as the blog's page describes it (recvfrom,
# sendto), with a LAN IP and a 1024-byte buffer, and no line ending after the
# time. Verdict: the lesson passes.
import socket
import time

s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("192.168.1.10", 9999))
print("UDP time server ready")
while True:
    data, addr = s.recvfrom(1024)
    print("Request from", addr)
    s.sendto(time.ctime().encode(), addr)
