# A student's echo server 1: termcolor for the green message, the reply with no
# newline, setsockopt after bind(). Verdict: the lesson passes, green included.
import socket
import termcolor

PORT = 8080
IP = "192.168.124.179"

ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
ls.bind((IP, PORT))
ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
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
        print("Message received: ", end="")
        termcolor.cprint(msg, "green")
        response = "ECHO: " + msg
        cs.send(response.encode())
        cs.close()
