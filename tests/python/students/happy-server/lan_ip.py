# A student's happy server: the lesson's whole program, with the student's own
# LAN IP hard-coded, as the lesson tells them to. Verdict: the lesson, all of it.
import socket

# -- Step 1: create the socket
ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
# -- Optional: This is for avoiding the problem of Port already in use
ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
# Configure the Server's IP and PORT
PORT = 8080
IP = "192.168.124.179"
# -- Step 2: Bind the socket to server's IP and PORT
ls.bind((IP, PORT))
# -- Step 3: Configure the socket for listening
ls.listen()
print("The server is configured!")
while True:
    # -- Waits for a client to connect
    print("Waiting for Clients to connect")
    try:
        (cs, client_ip_port) = ls.accept()
    # -- Server stopped manually
    except KeyboardInterrupt:
        print("Server stopped by the user")
        # -- Close the listenning socket
        ls.close()
        # -- Exit!
        exit()
    # -- Execute this part if there are no errors
    else:
        print("A client has connected to the server!")
        # -- Read the message from the client
        msg_raw = cs.recv(2048)
        msg = msg_raw.decode()
        print(f"Message received: {msg}")
        # -- Send a response message to the client
        response = "HELLO. I am the Happy Server :-)\n"
        cs.send(response.encode())
        # -- Close the data socket
        cs.close()
