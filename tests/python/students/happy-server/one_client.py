# A student's happy server stopped at the lesson's third version: it accepts
# one client, replies, and finishes. Verdict: fails the lesson's loop (a server
# serves its clients in a loop) and its Ctrl-C stop.
import socket

PORT = 8080
IP = "192.168.1.45"
ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind((IP, PORT))
ls.listen()
print("The server is configured!")
print("Waiting for Clients to connect")
(cs, client_ip_port) = ls.accept()
print("A client has connected to the server!")
msg = cs.recv(2048).decode()
print(f"Message received: {msg}")
cs.send("HELLO. I am the Happy Server :-)\n".encode())
cs.close()
ls.close()
