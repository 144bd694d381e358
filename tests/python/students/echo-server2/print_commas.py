# A student's echo server 2 whose print() puts its own spaces between the
# parts: `CONNECTION  1 . Client IP,PORT:  ('127.0.0.1', 56704)`. Verdict: the
# count and the client's port are there: the lesson passes.
import socket
from termcolor import colored

PORT = 8080
IP = "192.168.124.179"
ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind((IP, PORT))
ls.listen()
print("The server is configured!")
number_con = 0
while True:
    print("Waiting for Clients to connect")
    try:
        (cs, client_ip_port) = ls.accept()
    except KeyboardInterrupt:
        print("Server stopped by the user")
        ls.close()
        exit()
    else:
        number_con += 1
        print("CONNECTION ", number_con, ". Client IP,PORT: ", client_ip_port)
        msg = cs.recv(2048).decode()
        print("Message received:", colored(msg, "green"))
        cs.send(("ECHO: " + msg + "\n").encode())
        cs.close()
