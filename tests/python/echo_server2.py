# Echo server 2, from Session 10's exercise 2, as a student writes it from the
# lesson: the happy server, replying "ECHO: " and the message (exercise 1, the
# message printed in green), counting the connections and printing each client's
# IP and port. Like a student's, it prints no listening line and never flushes:
# the grader waits for its port, and reads its lines as they are printed.
# For the tests, the port comes from the first argument, and the IP is 127.0.0.1.
import socket
import sys

try:
    from termcolor import colored
except ImportError:  # termcolor is not installed: the same green, by hand
    def colored(text, color):
        return "\033[32m" + text + "\033[0m"

# Configure the Server's IP and PORT
PORT = int(sys.argv[1])
IP = "127.0.0.1"
# -- Step 1: create the socket
ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
# -- Optional: This is for avoiding the problem of Port already in use
ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
# -- Step 2: Bind the socket to server's IP and PORT
ls.bind((IP, PORT))
# -- Step 3: Configure the socket for listening
ls.listen()
print("The server is configured!")
# -- Number of connections so far
number_con = 0
while True:
    # -- Waits for a client to connect
    print("Waiting for Clients to connect")
    try:
        (cs, client_ip_port) = ls.accept()
    # -- Server stopped manually
    except KeyboardInterrupt:
        print("Server stopped by the user")
        ls.close()
        exit()
    else:
        print("A client has connected to the server!")
        number_con += 1
        print(f"CONNECTION {number_con}. Client IP,PORT: {client_ip_port}")
        # -- Read the message from the client, and decode it
        msg_raw = cs.recv(2048)
        msg = msg_raw.decode()
        print("Message received: " + colored(msg, "green"))
        # -- Send the echo
        response = "ECHO: " + msg + "\n"
        cs.send(response.encode())
        # -- Close the data socket
        cs.close()
