# A student's echo server 1 with a real mistake: the reply lacks the lesson's
# colon ("ECHO Test"). Verdict: fails the lesson's reply, and nothing else of it.
import socket
from termcolor import colored

PORT = 8080
IP = "127.0.0.1"
ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind((IP, PORT))
ls.listen()
print("The server is configured!")
while True:
    print("Waiting for Clients to connect")
    try:
        (cs, client_ip_port) = ls.accept()
    except KeyboardInterrupt:
        print("Server stopped by the user")
        ls.close()
        exit()
    else:
        print("A client has connected to the server!")
        msg = cs.recv(2048).decode()
        print("Message received: " + colored(msg, "green"))
        cs.send(("ECHO " + msg + "\n").encode())
        cs.close()
