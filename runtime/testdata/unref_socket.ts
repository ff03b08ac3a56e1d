// Connects with the native Bun socket, unrefs it and returns: the process must then exit.
import process from "node:process";
import { connectBunTcp } from "../_bun_tcp_socket.ts";

const socket = await connectBunTcp("127.0.0.1", Number(process.argv[2]));
socket.unref();
socket.resume();
