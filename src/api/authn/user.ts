// Who a request is (kube's user.Info), as the authenticators find it.
export interface User {
  name: string;
  uid: string;
  groups: string[];
}
