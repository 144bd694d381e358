# A student's echo server 2 that prints the count glued to the word and the
# client on the next line, in upper case: `CONNECTIONS1.` then
# `CLIENT IP: 127.0.0.1 PORT: 56704`. Verdict: the lesson passes.
import socket

PORT = 8080
IP = socket.gethostname()
ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind((IP, PORT))
ls.listen()
print("The server is configured!")
count = 0
while True:
    print("Waiting for Clients to connect")
    try:
        (cs, (client_ip, client_port)) = ls.accept()
    except KeyboardInterrupt:
        print("Server stopped by the user")
        ls.close()
        exit()
    else:
        count = count + 1
        print("CONNECTIONS" + str(count) + ".")
        print("CLIENT IP: " + client_ip + " PORT: " + str(client_port))
        msg = cs.recv(2048).decode()
        print("\033[32m" + "Message received: " + msg + "\033[0m")
        cs.send(("ECHO: " + msg).encode())
        cs.close()
