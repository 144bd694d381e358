# A student's happy server copied from an older course, in Python 2: the
# print statement. Verdict: it cannot start under Python 3 (one failure that
# says so), nothing else is tried.
import socket

PORT = 8080
IP = "127.0.0.1"
ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
ls.bind((IP, PORT))
ls.listen()
print "The server is configured!"
while True:
    (cs, client_ip_port) = ls.accept()
    msg = cs.recv(2048)
    print "Message received: " + msg
    cs.send("HELLO. I am the Happy Server :-)\n")
    cs.close()
