import type { PartnerHttpClient, PartnerResponse } from '../../net/partner-http-client.js';

/** Xandr API calls of the type: HTTP only, no session handling, mapping or classification. */
export class XandrClient {
  constructor(private readonly http: PartnerHttpClient) {}

  /** Logs in with `POST /auth` and returns the response with the session token. */
  login(username: string, password: string): Promise<PartnerResponse> {
    return this.http.send({
      method: 'POST',
      path: '/auth',
      json: { auth: { username, password } },
    });
  }

  /** Reads the member: the cheap call of the credential check. */
  getMember(token: string, memberId: number): Promise<PartnerResponse> {
    return this.http.send({
      method: 'GET',
      path: '/member',
      query: { id: String(memberId) },
      headers: { authorization: token },
    });
  }

  /** Creates a BSS job, whose response has the job id and the upload URL. */
  createJob(token: string, memberId: number): Promise<PartnerResponse> {
    return this.http.send({
      method: 'POST',
      path: '/batch-segment',
      query: { member_id: String(memberId) },
      headers: { authorization: token },
      body: '',
    });
  }

  /** Sends the segment file as raw bytes to the job's upload path below the base URL. */
  uploadFile(token: string, uploadPath: string, file: Buffer): Promise<PartnerResponse> {
    return this.http.send({
      method: 'POST',
      path: uploadPath,
      headers: { authorization: token, 'content-type': 'application/octet-stream' },
      body: file,
    });
  }

  getJob(token: string, memberId: number, jobId: string): Promise<PartnerResponse> {
    return this.http.send({
      method: 'GET',
      path: '/batch-segment',
      query: { member_id: String(memberId), job_id: jobId },
      headers: { authorization: token },
    });
  }
}
