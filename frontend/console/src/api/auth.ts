import { http } from "./http";
import type { Me } from "./types";

/** The password was right; the account has two-factor on, so a code must follow. */
export interface TwoFactorStep {
  two_factor_required: true;
  expires_in: number;
}

export function isTwoFactorStep(value: Me | TwoFactorStep): value is TwoFactorStep {
  return "two_factor_required" in value && value.two_factor_required === true;
}

export const authApi = {
  csrf: () => http.get<{ csrf_token: string }>("/api/v1/auth/csrf"),
  login: (email: string, password: string, locale?: string) =>
    http.post<Me | TwoFactorStep>("/api/v1/auth/login", { email, password, locale }),
  loginCode: (code: string) => http.post<Me>("/api/v1/auth/login/code", { code }),
  logout: () => http.post<void>("/api/v1/auth/logout"),
  me: () => http.get<Me>("/api/v1/auth/me"),
  requestReset: (email: string, locale?: string) =>
    http.post<{ detail: string }>("/api/v1/auth/password-reset", { email, locale }),
  checkReset: (uid: string, token: string) =>
    http.post<void>("/api/v1/auth/password-reset/check", { uid, token }),
  confirmReset: (uid: string, token: string, newPassword: string) =>
    http.post<void>("/api/v1/auth/password-reset/confirm", {
      uid,
      token,
      new_password: newPassword,
    }),
};
