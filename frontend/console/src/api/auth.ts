import { http } from "./http";
import type { Me } from "./types";

export const authApi = {
  csrf: () => http.get<{ csrf_token: string }>("/api/v1/auth/csrf"),
  login: (email: string, password: string) =>
    http.post<Me>("/api/v1/auth/login", { email, password }),
  logout: () => http.post<void>("/api/v1/auth/logout"),
  me: () => http.get<Me>("/api/v1/auth/me"),
};
