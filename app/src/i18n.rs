//! Every string the user sees, Simplified Chinese first. A missing
//! translation is a compile error: each locale is an exhaustive `match`.

use std::cell::OnceCell;

use leptos::prelude::*;
use shared::codes::Code;
use shared::field_values::Shown;
use shared::validate::IssueCode;

/// The languages of the interface.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Locale {
    Zh,
    En,
}

/// A user-visible message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Msg {
    AppName,
    Username,
    Password,
    LogIn,
    LoggingIn,
    LogOut,
    Households,
    Coverage,
    Members,
    Surveyed,
    NotSurveyed,
    Submit,
    Submitting,
    Accepted,
    BackToList,
    Loading,
    Retry,
    NetworkError,
    NotSet,
    Age,
    Grid,
    HouseholdsInRoster,
    SurveyedThisRound,
    Round,
    SessionExpired,
    AccountDisabled,
    MyAccount,
    ImportStaff,
    StaffImportHint,
    PickStaffFile,
    PrintSheet,
    PrintSheetTitle,
    PrintSheetHint,
    OneTimePassword,
    Accounts,
    AccountsNav,
    OneTimeFor,
    OneTimeHint,
    Done,
    SearchAccounts,
    AddAccount,
    ShowingFirst,
    RoleCaption,
    GridCode,
    AreaCaption,
    ConfirmReset,
    AccountIsDisabled,
    MustChangeBadge,
    EnableAccount,
    DisableAccount,
    ResetPassword,
    Save,
    ChooseOwnPassword,
    ChangePassword,
    CurrentPassword,
    NewPassword,
    NewPasswordAgain,
    PasswordRule,
    PasswordsDiffer,
    PasswordChanged,
    KeptWaitingBefore,
    KeptWaitingAfter,
    NotSecure,
    NoSuchHousehold,
    People,
    Yes,
    No,
    VisitedThisRound,
    Missed,
    MarkVisit,
    ChooseOutcome,
    VisitRecorded,
    OtherOutcome,
    NeedsAction,
    Waiting,
    Floor,
    SearchHint,
    NothingFound,
    Saving,
    Sent,
    StorageFailed,
    GroupSkills,
    GroupIdentity,
    HouseholdInfo,
    MonthsUnit,
    YuanUnit,
    WantsWork,
    Unchanged,
    Edit,
    AllUnchanged,
    Next,
    CheckBeforeSubmit,
    BackToEdit,
    OpenOutbox,
    SavedOnPhone,
    LogOutWaitingBefore,
    LogOutWaitingAfter,
    OtherLanguage,
    LastSync,
    NeverSynced,
    Online,
    Offline,
    WaitingCount,
    Outbox,
    StoragePersistent,
    StorageMayBeCleared,
    SyncNow,
    NothingWaiting,
    OthersWaiting,
    LastResort,
    SaveToFile,
    ImportFile,
    NotAnOutboxFile,
    ImportedCount,
    DiscardQuestion,
    DiscardWarning,
    SavedAt,
    SendAgain,
    Discard,
    NameRequired,
    JoinReasonRequired,
    Joining,
    Leaving,
    Undo,
    LeaveReason,
    Cancel,
    Leave,
    NewMember,
    BornOn,
    Name,
    JoinReason,
    AddMember,
    Conflict,
    MissingList,
    ExportXlsx,
    ExportCsv,
    Total,
    TapGrid,
    NotSurveyedList,
    NotVisitedList,
    LastVisit,
    NeverVisited,
    Indicators,
    EmploymentRate,
    EmployedPerHousehold,
    ZeroEmployment,
    LowIncome,
    TrainingCoverage,
    Labourers,
    EmploymentRateByGrid,
    ZeroEmploymentByGrid,
    ByChannel,
    Returned,
    ReturnedBy,
    CorrectAndResubmit,
    Added,
    All,
    Approve,
    Buildings,
    CheckPassed,
    Checking,
    ChooseThis,
    Column,
    ConfirmImport,
    ConfirmReturn,
    ConflictSettled,
    Conflicts,
    Correct,
    CorrectedFilter,
    Correcting,
    FieldsChanged,
    ImportDone,
    ImportHint,
    ImportRoster,
    JoinedCount,
    Joined,
    LeftCount,
    Left,
    MembershipChange,
    NoConflicts,
    NothingToReview,
    Pending,
    PickRosterFile,
    Problem,
    ReasonCheckEmployment,
    ReasonCheckMembers,
    ReasonIncomplete,
    ReasonNeeded,
    Removed,
    ReturnIt,
    ReturnReason,
    ReturnedFilter,
    Review,
    RosterHasErrors,
    RowNumber,
    RowsRead,
    StandsNow,
    SurveyedKept,
    TemplateCsv,
    TemplateXlsx,
    UnchangedCount,
    Updated,
    Map,
    AllSurveyed,
    PartSurveyed,
    NoneSurveyed,
    VisitPoint,
    FlaggedVisit,
    FlaggedVisits,
    NoFlaggedVisits,
    OutsideGridBy,
    Metres,
    PaceDistance,
    Kilometres,
    PaceOnly,
    Minutes,
    NoMapYet,
    LoadMore,
    ThisPhone,
    ClearPhone,
    ClearPhoneHint,
    ClearQuestion,
    CopiedInstead,
    PasteHere,
    BeyondMap,
}

fn zh_cn(msg: Msg) -> &'static str {
    match msg {
        Msg::AppName => "安居·劳动力调查",
        Msg::Username => "用户名",
        Msg::Password => "密码",
        Msg::LogIn => "登录",
        Msg::LoggingIn => "正在登录…",
        Msg::LogOut => "退出",
        Msg::Households => "住户",
        Msg::Coverage => "调查进度",
        Msg::Members => "家庭成员",
        Msg::Surveyed => "已调查",
        Msg::NotSurveyed => "未调查",
        Msg::Submit => "提交",
        Msg::Submitting => "正在提交…",
        Msg::Accepted => "已提交，服务器已接收",
        Msg::BackToList => "返回住户列表",
        Msg::Loading => "加载中…",
        Msg::Retry => "重试",
        Msg::NetworkError => "网络连接失败，请稍后重试",
        Msg::NotSet => "未填写",
        Msg::Age => "岁",
        Msg::Grid => "网格",
        Msg::HouseholdsInRoster => "总户数",
        Msg::SurveyedThisRound => "已调查",
        Msg::Round => "季度",
        Msg::SessionExpired => "登录已过期，请重新登录",
        Msg::AccountDisabled => "此账号已停用，请联系管理员",
        Msg::MyAccount => "我的账号",
        Msg::ImportStaff => "导入人员名单",
        Msg::StaffImportHint => {
            "按模板填写姓名、手机号码、角色、工作地点（网格编号或安置区）；用户名可留空，按姓名拼音和手机尾号生成。先检查，无误后再导入。"
        }
        Msg::PickStaffFile => "选择人员名单文件",
        Msg::PrintSheet => "打印账号单",
        Msg::PrintSheetTitle => "安居 · 新账号及一次性密码",
        Msg::PrintSheetHint => "请当面交给本人。首次登录后须改为自己的密码；此单只显示这一次。",
        Msg::OneTimePassword => "一次性密码",
        Msg::Accounts => "账号管理",
        Msg::AccountsNav => "账号",
        Msg::OneTimeFor => "一次性密码，请交给 ",
        Msg::OneTimeHint => "只显示这一次。对方首次登录后须改成自己的密码。",
        Msg::Done => "知道了",
        Msg::SearchAccounts => "搜索姓名或用户名",
        Msg::AddAccount => "新增账号",
        Msg::ShowingFirst => "只显示前 200 个，请输入姓名或用户名搜索。",
        Msg::RoleCaption => "角色",
        Msg::GridCode => "网格编号",
        Msg::AreaCaption => "督导的安置区（不填为全县）",
        Msg::ConfirmReset => {
            "重置后，该账号在所有手机上退出登录，须用一次性密码重新登录。确定重置？"
        }
        Msg::AccountIsDisabled => "已停用",
        Msg::MustChangeBadge => "待本人改密码",
        Msg::EnableAccount => "启用",
        Msg::DisableAccount => "停用",
        Msg::ResetPassword => "重置密码",
        Msg::Save => "保存",
        Msg::ChooseOwnPassword => {
            "您的密码是管理员设置的一次性密码。请先改成自己的密码，才能继续使用。"
        }
        Msg::ChangePassword => "修改密码",
        Msg::CurrentPassword => "当前密码",
        Msg::NewPassword => "新密码",
        Msg::NewPasswordAgain => "再输一次新密码",
        Msg::PasswordRule => {
            "至少 10 位，不要用生日、手机号或 123456 这类常见密码。改好后，其他手机上的登录需重新登录。"
        }
        Msg::PasswordsDiffer => "两次输入的新密码不一样",
        Msg::PasswordChanged => "密码已修改",
        Msg::KeptWaitingBefore => "本机还有 ",
        Msg::KeptWaitingAfter => " 条记录等待发送，已保存在本机，重新登录后自动发送。",
        Msg::NotSecure => {
            "此网址不是 HTTPS 安全连接：手机无法离线工作，走访也记录不了位置。请向县里的系统管理员索取以 https:// 开头的网址。"
        }
        Msg::NoSuchHousehold => "找不到该户",
        Msg::People => "人",
        Msg::Yes => "是",
        Msg::No => "否",
        Msg::VisitedThisRound => "已走访",
        Msg::Missed => "遗漏",
        Msg::MarkVisit => "走访",
        Msg::ChooseOutcome => "走访结果",
        Msg::VisitRecorded => "已记录走访",
        Msg::OtherOutcome => "未见面/其他…",
        Msg::NeedsAction => "需处理",
        Msg::Waiting => "待发送",
        Msg::Floor => "层",
        Msg::SearchHint => "搜索姓名、房号或身份证后几位",
        Msg::NothingFound => "没有找到符合的住户",
        Msg::Saving => "正在保存…",
        Msg::Sent => "已发送",
        Msg::StorageFailed => "手机存储失败，记录未保存。请清理手机空间后重试",
        Msg::GroupSkills => "培训与技能",
        Msg::GroupIdentity => "身份与联系方式",
        Msg::HouseholdInfo => "户信息",
        Msg::MonthsUnit => "个月",
        Msg::YuanUnit => "元",
        Msg::WantsWork => "意向：",
        Msg::Unchanged => "无变化",
        Msg::Edit => "修改",
        Msg::AllUnchanged => "全户无变化",
        Msg::Next => "下一步：核对",
        Msg::CheckBeforeSubmit => "提交前核对",
        Msg::BackToEdit => "返回修改",
        Msg::OpenOutbox => "查看待发送",
        Msg::SavedOnPhone => "已保存在手机上，有网络时自动发送",
        Msg::LogOutWaitingBefore => "本机还有 ",
        Msg::LogOutWaitingAfter => " 条记录未发送。退出后它们仍保存在本机，您下次登录后自动发送：",
        Msg::OtherLanguage => "English",
        Msg::LastSync => "上次同步 ",
        Msg::NeverSynced => "尚未同步",
        Msg::Online => "在线",
        Msg::Offline => "离线",
        Msg::WaitingCount => "待发送 ",
        Msg::Outbox => "待发送记录",
        Msg::StoragePersistent => "浏览器已同意长期保存本机数据",
        Msg::StorageMayBeCleared => "注意：浏览器清理空间时可能删除本机数据，请及时同步",
        Msg::SyncNow => "立即同步",
        Msg::NothingWaiting => "没有待发送的记录",
        Msg::OthersWaiting => "另有其他用户的待发送记录（其登录后发送）：",
        Msg::LastResort => "备份",
        Msg::SaveToFile => "把待发送记录保存为文件",
        Msg::ImportFile => "从文件导入记录",
        Msg::NotAnOutboxFile => "这不是安居导出的记录文件",
        Msg::ImportedCount => "已导入记录：",
        Msg::DiscardQuestion => "确定放弃这条未发送的记录吗？",
        Msg::DiscardWarning => "放弃后无法恢复，这户需要重新调查。",
        Msg::SavedAt => "保存于 ",
        Msg::SendAgain => "重新发送",
        Msg::Discard => "放弃",
        Msg::NameRequired => "请填写姓名",
        Msg::JoinReasonRequired => "请选择增员原因",
        Msg::Joining => "增员",
        Msg::Leaving => "减员",
        Msg::Undo => "撤销",
        Msg::LeaveReason => "减员原因",
        Msg::Cancel => "取消",
        Msg::Leave => "减员",
        Msg::NewMember => "新成员",
        Msg::BornOn => "出生",
        Msg::Name => "姓名",
        Msg::JoinReason => "增员原因",
        Msg::AddMember => "＋ 增员（新生儿、婚入、迁入）",
        Msg::Conflict => "有冲突",
        Msg::MissingList => "未调查/未走访名单",
        Msg::ExportXlsx => "导出台账 Excel",
        Msg::ExportCsv => "导出 CSV",
        Msg::Total => "合计",
        Msg::TapGrid => "点安置区查看其未调查名单；点网格查看各楼栋、名单和导出",
        Msg::NotSurveyedList => "未调查",
        Msg::NotVisitedList => "未走访",
        Msg::LastVisit => "上次走访 ",
        Msg::NeverVisited => "本季度尚未走访",
        Msg::Indicators => "就业指标",
        Msg::EmploymentRate => "人均就业率",
        Msg::EmployedPerHousehold => "有劳动力家庭户均就业人数",
        Msg::ZeroEmployment => "零就业家庭",
        Msg::LowIncome => "低收入家庭",
        Msg::TrainingCoverage => "有培训意愿者的培训率",
        Msg::Labourers => "劳动力人数",
        Msg::EmploymentRateByGrid => "各网格人均就业率",
        Msg::ZeroEmploymentByGrid => "各网格零就业家庭",
        Msg::ByChannel => "就业渠道",
        Msg::Returned => "已退回",
        Msg::ReturnedBy => "督导退回 · ",
        Msg::CorrectAndResubmit => "请按退回原因核对修改，再提交一次",
        Msg::Added => "新增",
        Msg::All => "全部",
        Msg::Approve => "通过",
        Msg::Buildings => "楼栋",
        Msg::CheckPassed => "检查通过，可以导入：",
        Msg::Checking => "正在检查…",
        Msg::ChooseThis => "采用此值",
        Msg::Column => "列",
        Msg::ConfirmImport => "确认导入",
        Msg::ConfirmReturn => "确认退回",
        Msg::ConflictSettled => "已裁定，台账已更新",
        Msg::Conflicts => "冲突",
        Msg::Correct => "更正",
        Msg::CorrectedFilter => "已更正",
        Msg::Correcting => "督导更正",
        Msg::FieldsChanged => "项修改",
        Msg::ImportDone => "导入完成",
        Msg::ImportHint => {
            "按模板填写的 XLSX 或 CSV 文件；先检查，无误后再导入，出错则不导入任何内容。"
        }
        Msg::ImportRoster => "导入花名册",
        Msg::JoinedCount => "增员 ",
        Msg::Joined => "增员",
        Msg::LeftCount => "减员 ",
        Msg::Left => "减员",
        Msg::MembershipChange => "增减员",
        Msg::NoConflicts => "没有待裁定的冲突",
        Msg::NothingToReview => "没有需要审核的记录",
        Msg::Pending => "待审核",
        Msg::PickRosterFile => "选择花名册文件",
        Msg::Problem => "问题",
        Msg::ReasonCheckEmployment => "请核实就业状态",
        Msg::ReasonCheckMembers => "请核实家庭成员",
        Msg::ReasonIncomplete => "信息不完整，请补充",
        Msg::ReasonNeeded => "请填写退回原因",
        Msg::Removed => "移出",
        Msg::ReturnIt => "退回",
        Msg::ReturnReason => "退回原因",
        Msg::ReturnedFilter => "已退回",
        Msg::Review => "审核",
        Msg::RosterHasErrors => "未导入：文件中的错误数 ",
        Msg::RowNumber => "行",
        Msg::RowsRead => "读取行数：",
        Msg::StandsNow => "当前值",
        Msg::SurveyedKept => "本季已调查、保留调查值的项：",
        Msg::TemplateCsv => "下载模板 (CSV)",
        Msg::TemplateXlsx => "下载模板 (Excel)",
        Msg::UnchangedCount => "未变",
        Msg::Updated => "更新",
        Msg::Map => "地图",
        Msg::AllSurveyed => "全部已调查",
        Msg::PartSurveyed => "部分已调查",
        Msg::NoneSurveyed => "尚未调查",
        Msg::VisitPoint => "走访位置",
        Msg::FlaggedVisit => "需核查",
        Msg::FlaggedVisits => "需核查的走访",
        Msg::NoFlaggedVisits => "本季度没有需核查的走访",
        Msg::OutsideGridBy => "位置在网格外 ",
        Msg::Metres => " 米",
        Msg::PaceDistance => "与相邻走访相距 ",
        Msg::Kilometres => " 公里",
        Msg::PaceOnly => "，仅隔 ",
        Msg::Minutes => " 分钟",
        Msg::NoMapYet => "还没有网格和楼栋边界：请在导入花名册时填写边界",
        Msg::LoadMore => "加载更多",
        Msg::ThisPhone => "本机数据",
        Msg::ClearPhone => "清除本机数据并退出",
        Msg::ClearPhoneHint => {
            "交还或借出手机前使用：删除本机保存的住户名单和走访位置，并退出登录。待发送的记录不会删除。"
        }
        Msg::ClearQuestion => "删除本机保存的住户名单和走访位置，并退出登录？",
        Msg::CopiedInstead => {
            "微信内不能下载文件，记录已复制为文本：请粘贴发送到“文件传输助手”保存。需要时复制回来，粘贴到下面的框里即可导入。"
        }
        Msg::PasteHere => "或把复制的记录文本粘贴在这里导入",
        Msg::BeyondMap => "在图外的走访（画在边上）",
    }
}

fn en(msg: Msg) -> &'static str {
    match msg {
        Msg::AppName => "Anju labour survey",
        Msg::Username => "Username",
        Msg::Password => "Password",
        Msg::LogIn => "Log in",
        Msg::LoggingIn => "Logging in…",
        Msg::LogOut => "Log out",
        Msg::Households => "Households",
        Msg::Coverage => "Coverage",
        Msg::Members => "Members",
        Msg::Surveyed => "Surveyed",
        Msg::NotSurveyed => "Not yet",
        Msg::Submit => "Submit",
        Msg::Submitting => "Submitting…",
        Msg::Accepted => "Submitted; the server has it",
        Msg::BackToList => "Back to households",
        Msg::Loading => "Loading…",
        Msg::Retry => "Retry",
        Msg::NetworkError => "No connection; please try again",
        Msg::NotSet => "Not set",
        Msg::Age => " yrs",
        Msg::Grid => "Grid",
        Msg::HouseholdsInRoster => "Households",
        Msg::SurveyedThisRound => "Surveyed",
        Msg::Round => "Round",
        Msg::SessionExpired => "Your session expired; please log in again",
        Msg::AccountDisabled => "This account is disabled; ask your administrator",
        Msg::MyAccount => "My account",
        Msg::ImportStaff => "Import staff",
        Msg::StaffImportHint => {
            "Fill in the template: name, mobile, role, place (grid code or area); a username left empty is made from the name's pinyin and the number's last four digits. The file is checked before it is imported."
        }
        Msg::PickStaffFile => "Choose the staff file",
        Msg::PrintSheet => "Print the account sheet",
        Msg::PrintSheetTitle => "Anju · new accounts and one-time passwords",
        Msg::PrintSheetHint => {
            "Hand each to its person. They must choose their own password at first login; this sheet is shown only once."
        }
        Msg::OneTimePassword => "One-time password",
        Msg::Accounts => "Accounts",
        Msg::AccountsNav => "Accounts",
        Msg::OneTimeFor => "One-time password for ",
        Msg::OneTimeHint => {
            "Shown this once. Its user must replace it with their own at their first login."
        }
        Msg::Done => "Done",
        Msg::SearchAccounts => "Search names or usernames",
        Msg::AddAccount => "Add account",
        Msg::ShowingFirst => "Only the first 200 are shown; search by name or username.",
        Msg::RoleCaption => "Role",
        Msg::GridCode => "Grid code",
        Msg::AreaCaption => "Resettlement area overseen (empty for the whole county)",
        Msg::ConfirmReset => {
            "After a reset this account is logged out on every phone and logs in with a one-time password. Reset?"
        }
        Msg::AccountIsDisabled => "Disabled",
        Msg::MustChangeBadge => "Must change password",
        Msg::EnableAccount => "Enable",
        Msg::DisableAccount => "Disable",
        Msg::ResetPassword => "Reset password",
        Msg::Save => "Save",
        Msg::ChooseOwnPassword => {
            "Your password is a one-time one an administrator set. Choose your own to go on."
        }
        Msg::ChangePassword => "Change password",
        Msg::CurrentPassword => "Current password",
        Msg::NewPassword => "New password",
        Msg::NewPasswordAgain => "New password again",
        Msg::PasswordRule => {
            "At least 10 characters; not a birthday, a phone number or a common one like 123456. Other phones logged in as you must log in again afterwards."
        }
        Msg::PasswordsDiffer => "The two new passwords differ",
        Msg::PasswordChanged => "Password changed",
        Msg::KeptWaitingBefore => "This phone has ",
        Msg::KeptWaitingAfter => {
            " records waiting to be sent; they are kept here and sent after you log in again."
        }
        Msg::NotSecure => {
            "This address is not a secure HTTPS one: the phone cannot work offline or record where visits were made. Ask the county's administrator for the address that starts with https://."
        }
        Msg::NoSuchHousehold => "No such household",
        Msg::People => " people",
        Msg::Yes => "Yes",
        Msg::No => "No",
        Msg::VisitedThisRound => "Visited",
        Msg::Missed => "Missed",
        Msg::MarkVisit => "Visit",
        Msg::ChooseOutcome => "Outcome of the visit",
        Msg::VisitRecorded => "Visit recorded",
        Msg::OtherOutcome => "Not met / other…",
        Msg::NeedsAction => "Needs action",
        Msg::Waiting => "Waiting",
        Msg::Floor => "F",
        Msg::SearchHint => "Search name, room or last ID digits",
        Msg::NothingFound => "No household matches",
        Msg::Saving => "Saving…",
        Msg::Sent => "Sent",
        Msg::StorageFailed => "The phone could not store this; free some space and try again",
        Msg::GroupSkills => "Training and skills",
        Msg::GroupIdentity => "Identity and contact",
        Msg::HouseholdInfo => "Household",
        Msg::MonthsUnit => " mo",
        Msg::YuanUnit => " yuan",
        Msg::WantsWork => "Wants: ",
        Msg::Unchanged => "Unchanged",
        Msg::Edit => "Edit",
        Msg::AllUnchanged => "Whole household unchanged",
        Msg::Next => "Next: check",
        Msg::CheckBeforeSubmit => "Check before submitting",
        Msg::BackToEdit => "Back to edit",
        Msg::OpenOutbox => "Open the outbox",
        Msg::SavedOnPhone => "Saved on the phone; it is sent when there is a connection",
        Msg::LogOutWaitingBefore => "This phone still has ",
        Msg::LogOutWaitingAfter => {
            "captures not yet sent. They stay on this phone and are sent at your next login:"
        }
        Msg::OtherLanguage => "中文",
        Msg::LastSync => "Last sync ",
        Msg::NeverSynced => "Not synced yet",
        Msg::Online => "Online",
        Msg::Offline => "Offline",
        Msg::WaitingCount => "Waiting ",
        Msg::Outbox => "Outbox",
        Msg::StoragePersistent => "The browser keeps this app's data",
        Msg::StorageMayBeCleared => {
            "The browser may clear this app's data when space runs low; sync soon"
        }
        Msg::SyncNow => "Sync now",
        Msg::NothingWaiting => "Nothing waiting",
        Msg::OthersWaiting => "Captures of other users, sent when they log in: ",
        Msg::LastResort => "Backup",
        Msg::SaveToFile => "Save waiting captures to a file",
        Msg::ImportFile => "Import captures from a file",
        Msg::NotAnOutboxFile => "This is not an Anju outbox file",
        Msg::ImportedCount => "Captures imported: ",
        Msg::DiscardQuestion => "Throw away this unsent capture?",
        Msg::DiscardWarning => "It cannot be recovered; the household must be surveyed again.",
        Msg::SavedAt => "Saved ",
        Msg::SendAgain => "Send again",
        Msg::Discard => "Throw away",
        Msg::NameRequired => "Enter the name",
        Msg::JoinReasonRequired => "Choose why they joined",
        Msg::Joining => "Joins",
        Msg::Leaving => "Leaves",
        Msg::Undo => "Undo",
        Msg::LeaveReason => "Why they left",
        Msg::Cancel => "Cancel",
        Msg::Leave => "Left",
        Msg::NewMember => "New member",
        Msg::BornOn => "Born",
        Msg::Name => "Name",
        Msg::JoinReason => "Why they joined",
        Msg::AddMember => "+ Add a member (newborn, married in, moved in)",
        Msg::Conflict => "Conflict",
        Msg::MissingList => "Missing households",
        Msg::ExportXlsx => "Export ledger (Excel)",
        Msg::ExportCsv => "Export CSV",
        Msg::Total => "Total",
        Msg::TapGrid => {
            "Tap an area for its missing households, a grid for its buildings, lists and export"
        }
        Msg::NotSurveyedList => "Not surveyed",
        Msg::NotVisitedList => "Not visited",
        Msg::LastVisit => "Last visit ",
        Msg::NeverVisited => "Not visited this round",
        Msg::Indicators => "Indicators",
        Msg::EmploymentRate => "Employment rate",
        Msg::EmployedPerHousehold => "Employed per labour household",
        Msg::ZeroEmployment => "Zero-employment households",
        Msg::LowIncome => "Low-income households",
        Msg::TrainingCoverage => "Training of the willing",
        Msg::Labourers => "Labourers",
        Msg::EmploymentRateByGrid => "Employment rate by grid",
        Msg::ZeroEmploymentByGrid => "Zero-employment households by grid",
        Msg::ByChannel => "Channels of work",
        Msg::Returned => "Returned",
        Msg::ReturnedBy => "Returned by ",
        Msg::CorrectAndResubmit => "Correct it as the reason says and submit again",
        Msg::Added => "Added",
        Msg::All => "All",
        Msg::Approve => "Approve",
        Msg::Buildings => "Buildings",
        Msg::CheckPassed => "Checked, ready to import:",
        Msg::Checking => "Checking…",
        Msg::ChooseThis => "Use this value",
        Msg::Column => "Column",
        Msg::ConfirmImport => "Import now",
        Msg::ConfirmReturn => "Return it",
        Msg::ConflictSettled => "Settled; the ledger is updated",
        Msg::Conflicts => "Conflicts",
        Msg::Correct => "Correct",
        Msg::CorrectedFilter => "Corrected",
        Msg::Correcting => "Correction",
        Msg::FieldsChanged => "fields changed",
        Msg::ImportDone => "Imported",
        Msg::ImportHint => {
            "An XLSX or CSV file laid out as the template; it is checked first, and nothing is imported if it has errors."
        }
        Msg::ImportRoster => "Import roster",
        Msg::JoinedCount => "Joined ",
        Msg::Joined => "Joined",
        Msg::LeftCount => "Left ",
        Msg::Left => "Left",
        Msg::MembershipChange => "Joining or leaving",
        Msg::NoConflicts => "No conflicts to settle",
        Msg::NothingToReview => "Nothing to review",
        Msg::Pending => "To review",
        Msg::PickRosterFile => "Choose a roster file",
        Msg::Problem => "Problem",
        Msg::ReasonCheckEmployment => "Check the employment status",
        Msg::ReasonCheckMembers => "Check the household's members",
        Msg::ReasonIncomplete => "Incomplete; please fill in",
        Msg::ReasonNeeded => "Give a reason to return it",
        Msg::Removed => "Removed",
        Msg::ReturnIt => "Return",
        Msg::ReturnReason => "Reason",
        Msg::ReturnedFilter => "Returned",
        Msg::Review => "Review",
        Msg::RosterHasErrors => "Not imported. Errors in the file: ",
        Msg::RowNumber => "Row",
        Msg::RowsRead => "Rows read: ",
        Msg::StandsNow => "Current value",
        Msg::SurveyedKept => "Values kept from this round's surveys: ",
        Msg::TemplateCsv => "Template (CSV)",
        Msg::TemplateXlsx => "Template (Excel)",
        Msg::UnchangedCount => "Unchanged",
        Msg::Updated => "Updated",
        Msg::Map => "Map",
        Msg::AllSurveyed => "All surveyed",
        Msg::PartSurveyed => "Partly surveyed",
        Msg::NoneSurveyed => "None surveyed",
        Msg::VisitPoint => "Visit",
        Msg::FlaggedVisit => "To check",
        Msg::FlaggedVisits => "Visits to check",
        Msg::NoFlaggedVisits => "No visits to check this round",
        Msg::OutsideGridBy => "Outside the grid by ",
        Msg::Metres => " m",
        Msg::PaceDistance => "From the next visit: ",
        Msg::Kilometres => " km",
        Msg::PaceOnly => ", only ",
        Msg::Minutes => " min apart",
        Msg::NoMapYet => "No outlines yet: add them to the roster import",
        Msg::LoadMore => "Load more",
        Msg::ThisPhone => "This phone",
        Msg::ClearPhone => "Clear this phone and log out",
        Msg::ClearPhoneHint => {
            "Before handing the phone on: removes the household lists and visit positions kept here and logs out. Captures waiting to be sent are kept."
        }
        Msg::ClearQuestion => {
            "Remove the household lists and visit positions kept on this phone, and log out?"
        }
        Msg::CopiedInstead => {
            "WeChat cannot download files, so the captures were copied as text: paste them into a chat (File Transfer) to keep them. To import, copy them back and paste them into the box below."
        }
        Msg::PasteHere => "Or paste copied captures here to import them",
        Msg::BeyondMap => "Visit beyond the map (drawn at its edge)",
    }
}

thread_local! {
    // Reference-counted rather than arena-owned: it must outlive whichever
    // component happens to read it first.
    static LOCALE: OnceCell<ArcRwSignal<Locale>> = const { OnceCell::new() };
}

/// Where the chosen language is kept between visits.
const LOCALE_KEY: &str = "anju.locale";

/// The interface language, as a signal so that views follow a switch.
/// Chinese unless the user chose English on this phone.
pub fn locale() -> ArcRwSignal<Locale> {
    LOCALE.with(|cell| {
        cell.get_or_init(|| {
            let kept = web_sys::window()
                .and_then(|w| w.local_storage().ok().flatten())
                .and_then(|s| s.get_item(LOCALE_KEY).ok().flatten());
            let locale = match kept.as_deref() {
                Some("en") => Locale::En,
                _ => Locale::Zh,
            };
            ArcRwSignal::new(locale)
        })
        .clone()
    })
}

/// Switches the language and remembers the choice.
pub fn choose(next: Locale) {
    if let Some(storage) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
        let code = match next {
            Locale::Zh => "zh",
            Locale::En => "en",
        };
        let _ = storage.set_item(LOCALE_KEY, code);
    }
    locale().set(next);
}

/// `msg` in the current language.
pub fn tr(msg: Msg) -> &'static str {
    match locale().get_untracked() {
        Locale::Zh => zh_cn(msg),
        Locale::En => en(msg),
    }
}

/// Of a text given in both languages, the current one's.
pub fn both(zh: &'static str, en: &'static str) -> &'static str {
    match locale().get_untracked() {
        Locale::Zh => zh,
        Locale::En => en,
    }
}

/// One written value as text in the current language; a cleared field
/// shows as not set.
pub fn value_text(shown: Shown) -> String {
    match shown {
        Shown::Unset => tr(Msg::NotSet).to_owned(),
        Shown::Text(text) => text,
        Shown::Label { zh, en, .. } => both(zh, en).to_owned(),
        Shown::Date(date) => date.to_string(),
        Shown::Months(n) => format!("{n}{}", tr(Msg::MonthsUnit)),
        Shown::Yuan(n) => format!("{n}{}", tr(Msg::YuanUnit)),
        Shown::YesNo(flag) => tr(if flag { Msg::Yes } else { Msg::No }).to_owned(),
    }
}

/// The label of a closed-list value in the current language.
pub fn label<T: Code>(value: T) -> &'static str {
    both(value.zh(), value.en())
}

/// A broken rule's message in the current language.
pub fn issue(code: IssueCode) -> &'static str {
    match locale().get_untracked() {
        Locale::Zh => code.zh(),
        Locale::En => code.en(),
    }
}

/// A server error code in the current language, for codes the app knows.
pub fn server_error(code: &str, fallback: &str) -> String {
    match code {
        "unauthenticated" => tr(Msg::SessionExpired).into(),
        "account_disabled" => tr(Msg::AccountDisabled).into(),
        "unknown_household" => tr(Msg::NoSuchHousehold).into(),
        _ => fallback.into(),
    }
}
