// The signed-in user's own account security (/api/v1/auth/…) and a workspace's security
// settings (/api/v1/workspaces/<slug>/security/).
import { http } from "./http";

export interface TwoFactorStatus {
  enabled: boolean;
  recovery_codes_left: number;
}

export interface TwoFactorSetup {
  secret: string;
  otpauth_uri: string;
  /** An inline SVG drawn by the server from the otpauth URI (no third party sees it). */
  qr_svg: string;
}

export interface LoginSession {
  id: number;
  ip_address: string | null;
  user_agent: string;
  created_at: string;
  last_active_at: string;
  current: boolean;
}

export interface WorkspaceSecurity {
  require_two_factor: boolean;
}

export const accountApi = {
  changePassword: (currentPassword: string, newPassword: string) =>
    http.post<{ sessions_ended: number }>("/api/v1/auth/password", {
      current_password: currentPassword,
      new_password: newPassword,
    }),
  twoFactor: () => http.get<TwoFactorStatus>("/api/v1/auth/two-factor"),
  setupTwoFactor: () => http.post<TwoFactorSetup>("/api/v1/auth/two-factor/setup"),
  confirmTwoFactor: (code: string) =>
    http.post<{ recovery_codes: string[] }>("/api/v1/auth/two-factor/confirm", { code }),
  disableTwoFactor: (password: string, code: string) =>
    http.post<void>("/api/v1/auth/two-factor/disable", { password, code }),
  newRecoveryCodes: (password: string, code: string) =>
    http.post<{ recovery_codes: string[] }>("/api/v1/auth/two-factor/recovery-codes", {
      password,
      code,
    }),
  sessions: () => http.get<LoginSession[]>("/api/v1/auth/sessions"),
  endSession: (id: number) => http.delete(`/api/v1/auth/sessions/${id}`),
  endOtherSessions: () =>
    http.post<{ sessions_ended: number }>("/api/v1/auth/sessions/revoke-others"),
  workspaceSecurity: (slug: string) =>
    http.get<WorkspaceSecurity>(`/api/v1/workspaces/${slug}/security/`),
  setWorkspaceSecurity: (slug: string, value: WorkspaceSecurity) =>
    http.patch<WorkspaceSecurity>(`/api/v1/workspaces/${slug}/security/`, value),
};
