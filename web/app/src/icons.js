// An icon per kind family (Tabler Icons, MIT: web/static/icons/LICENSE), drawn white on the node's fill.
// Which family each kind belongs to is declared once in web/static/kinds.json (Python reads it too).
import KINDS from "../../static/kinds.json";
import i_alert_triangle from "../../static/icons/alert-triangle.svg";
import i_box_multiple from "../../static/icons/box-multiple.svg";
import i_bucket from "../../static/icons/bucket.svg";
import i_cloud_network from "../../static/icons/cloud-network.svg";
import i_cube from "../../static/icons/cube.svg";
import i_database from "../../static/icons/database.svg";
import i_disc from "../../static/icons/disc.svg";
import i_file_certificate from "../../static/icons/file-certificate.svg";
import i_folder from "../../static/icons/folder.svg";
import i_history from "../../static/icons/history.svg";
import i_key from "../../static/icons/key.svg";
import i_lambda from "../../static/icons/lambda.svg";
import i_load_balancer from "../../static/icons/load-balancer.svg";
import i_lock from "../../static/icons/lock.svg";
import i_mail_forward from "../../static/icons/mail-forward.svg";
import i_router from "../../static/icons/router.svg";
import i_server from "../../static/icons/server.svg";
import i_shield from "../../static/icons/shield.svg";
import i_sitemap from "../../static/icons/sitemap.svg";
import i_user_shield from "../../static/icons/user-shield.svg";
import i_world from "../../static/icons/world.svg";
import i_world_www from "../../static/icons/world-www.svg";

const SVG = {
  "alert-triangle": i_alert_triangle,
  "box-multiple": i_box_multiple,
  "bucket": i_bucket,
  "cloud-network": i_cloud_network,
  "cube": i_cube,
  "database": i_database,
  "disc": i_disc,
  "file-certificate": i_file_certificate,
  "folder": i_folder,
  "history": i_history,
  "key": i_key,
  "lambda": i_lambda,
  "load-balancer": i_load_balancer,
  "lock": i_lock,
  "mail-forward": i_mail_forward,
  "router": i_router,
  "server": i_server,
  "shield": i_shield,
  "sitemap": i_sitemap,
  "user-shield": i_user_shield,
  "world": i_world,
  "world-www": i_world_www,
};

export const FAMILIES = KINDS.families;
export { KINDS };

/** The family name of a kind ("other" for a kind the declaration does not name). */
export function familyOf(kind) {
  return KINDS.kinds[kind] || "other";
}

const cache = new Map();

/** A data: URI of the family's icon in `colour` (CSP allows data: images; nothing is fetched). */
export function iconUri(family, colour = "#ffffff") {
  const key = `${family}|${colour}`;
  if (!cache.has(key)) {
    const svg = SVG[FAMILIES[family]?.icon] || SVG[FAMILIES.other.icon];
    cache.set(key, `data:image/svg+xml;utf8,${encodeURIComponent(svg.replace(/currentColor/g, colour).replace(/\n\s*/g, " "))}`);
  }
  return cache.get(key);
}
