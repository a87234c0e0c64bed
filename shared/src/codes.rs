//! The ledger's closed lists. Each is one enum whose variants carry a stable
//! code (what crosses the wire and lands in the database and exports) and
//! their Chinese and English labels, so the app, server, import and export agree.

use serde::{Deserialize, Serialize};

use crate::kind::Choice;

/// A closed list of the ledger: every value has a stable code and two labels.
pub trait Code: Sized + Copy + 'static {
    /// Every value, in display order.
    const ALL: &'static [Self];
    /// Every value as the form and the template show it, in display order.
    const CHOICES: &'static [Choice];
    /// The stable code, as stored and exported.
    fn code(self) -> &'static str;
    /// The label in Simplified Chinese.
    fn zh(self) -> &'static str;
    /// The label in English.
    fn en(self) -> &'static str;
    /// The value whose code is `code`, if any.
    fn from_code(code: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|v| v.code() == code)
    }
}

/// A closed list's schema: a string, one of its codes, each code's
/// labels in the description.
#[cfg(feature = "openapi")]
fn closed_list_schema(
    choices: &[Choice],
) -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
    use utoipa::openapi::schema::{ObjectBuilder, Type};
    let described: Vec<String> = choices
        .iter()
        .map(|c| format!("`{}` {} ({})", c.code, c.zh, c.en))
        .collect();
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(choices.iter().map(|c| c.code)))
        .description(Some(described.join("; ")))
        .into()
}

macro_rules! closed_list {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $code:literal, $zh:literal, $en:literal;)+ }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        pub enum $name {
            $(#[serde(rename = $code)] $variant,)+
        }

        // Written out rather than derived: the derive cannot read a code
        // passed into this macro, and would document the variants' names.
        #[cfg(feature = "openapi")]
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                closed_list_schema(<$name as Code>::CHOICES)
            }
        }

        #[cfg(feature = "openapi")]
        impl utoipa::ToSchema for $name {}

        impl Code for $name {
            const ALL: &'static [Self] = &[$(Self::$variant),+];
            const CHOICES: &'static [Choice] = &[$(Choice { code: $code, zh: $zh, en: $en }),+];
            fn code(self) -> &'static str {
                match self { $(Self::$variant => $code,)+ }
            }
            fn zh(self) -> &'static str {
                match self { $(Self::$variant => $zh,)+ }
            }
            fn en(self) -> &'static str {
                match self { $(Self::$variant => $en,)+ }
            }
        }
    };
}

closed_list! {
    /// 性别.
    Sex {
        Male = "male", "男", "Male";
        Female = "female", "女", "Female";
    }
}

closed_list! {
    /// 与户主关系: relation to the head of household.
    Relation {
        Head = "head", "户主", "Head of household";
        Spouse = "spouse", "配偶", "Spouse";
        Child = "child", "子女", "Child";
        ChildInLaw = "child_in_law", "儿媳/女婿", "Child-in-law";
        Grandchild = "grandchild", "孙子女", "Grandchild";
        Parent = "parent", "父母", "Parent";
        Sibling = "sibling", "兄弟姐妹", "Sibling";
        Other = "other", "其他", "Other";
    }
}

closed_list! {
    /// 文化程度.
    Education {
        None = "none", "文盲或半文盲", "None";
        Primary = "primary", "小学", "Primary school";
        Junior = "junior", "初中", "Junior secondary";
        Senior = "senior", "高中", "Senior secondary";
        Vocational = "vocational", "中专/职高", "Vocational school";
        College = "college", "大专及以上", "College or above";
    }
}

closed_list! {
    /// 劳动能力.
    LabourCapacity {
        Skilled = "skilled", "技能劳动力", "Skilled labour";
        Ordinary = "ordinary", "普通劳动力", "Ordinary labour";
        Weak = "weak", "弱劳动力或半劳动力", "Weak or partial";
        Lost = "lost", "丧失劳动力", "Lost capacity";
        None = "none", "无劳动力", "No labour";
    }
}

closed_list! {
    /// 就业状态.
    EmploymentStatus {
        Employed = "employed", "已就业", "Employed";
        Unemployed = "unemployed", "未就业", "Not employed";
        Student = "student", "在校学生", "Student";
        Retired = "retired", "退休或不在劳动年龄", "Retired or outside working age";
    }
}

closed_list! {
    /// 就业渠道: the ways people find work named in the seeds.
    Channel {
        Migrant = "migrant", "外出务工", "Migrant work outside the county";
        OrganisedExport = "organised_export", "有组织劳务输出", "Organised labour export";
        Local = "local", "县内就近就业", "Local work in the county";
        IndustrialPark = "industrial_park", "园区就业", "Industrial park";
        Workshop = "workshop", "帮扶车间", "Assistance workshop";
        PublicWelfare = "public_welfare", "公益性岗位", "Public-welfare post";
        SelfEmployed = "self_employed", "自主创业或个体经营", "Self-employment or business";
        Farming = "farming", "种养殖或合作社", "Farming or cooperative";
        Other = "other", "其他", "Other";
    }
}

closed_list! {
    /// 务工地点.
    WorkPlace {
        InCounty = "in_county", "县内", "In the county";
        InProvince = "in_province", "省内县外", "In the province";
        OutsideProvince = "outside_province", "省外", "Outside the province";
    }
}

closed_list! {
    /// 培训类型: training received.
    Training {
        None = "none", "未参加培训", "No training";
        Skills = "skills", "职业技能培训", "Vocational skills";
        Domestic = "domestic", "家政服务培训", "Domestic service";
        Construction = "construction", "建筑施工培训", "Construction";
        Agriculture = "agriculture", "农业实用技术", "Agricultural techniques";
        Entrepreneurship = "entrepreneurship", "创业培训", "Entrepreneurship";
        Other = "other", "其他培训", "Other";
    }
}

closed_list! {
    /// 走访结果: the outcome of a grid member's visit.
    VisitOutcome {
        Met = "met", "入户见面", "Met at home";
        NotHome = "not_home", "不在家", "Not at home";
        MovedAway = "moved_away", "已搬离", "Moved away";
        Refused = "refused", "拒绝", "Refused";
        Other = "other", "其他", "Other";
    }
}

closed_list! {
    /// 角色: what a user of Anju does.
    Role {
        Admin = "admin", "管理员", "Administrator";
        Supervisor = "supervisor", "督导", "Supervisor";
        Surveyor = "surveyor", "驻点工作队", "Resident work team";
        GridMember = "grid_member", "网格员", "Grid member";
        BuildingHead = "building_head", "楼栋长", "Building head";
    }
}

closed_list! {
    /// 层级: a level of the place tree, from the city down to the building.
    /// A grid may sit under another grid, up to three deep.
    Level {
        City = "city", "市(州)", "City";
        County = "county", "县(市、区)", "County";
        Township = "township", "乡镇(街道)", "Township";
        Area = "area", "安置区", "Resettlement area";
        Grid = "grid", "网格", "Grid";
        Building = "building", "楼栋", "Building";
    }
}

closed_list! {
    /// 增员原因: why a person joined the household.
    JoinReason {
        Newborn = "newborn", "新生儿", "Newborn";
        MarriedIn = "married_in", "婚入", "Married in";
        MovedIn = "moved_in", "迁入", "Moved in";
        Other = "other", "其他", "Other";
    }
}

closed_list! {
    /// 减员原因: why a person left the household.
    LeaveReason {
        MovedOut = "moved_out", "迁出", "Moved out";
        MarriedOut = "married_out", "婚出", "Married out";
        Deceased = "deceased", "死亡", "Deceased";
        Other = "other", "其他", "Other";
    }
}

closed_list! {
    /// What a submission is: a survey, a supervisor's choice between
    /// conflicting values, or a supervisor's direct correction.
    SubmissionKind {
        Survey = "survey", "入户调查", "Survey";
        Resolution = "resolution", "冲突裁定", "Conflict resolution";
        Correction = "correction", "督导更正", "Supervisor's correction";
    }
}

closed_list! {
    /// 审核结论: what a supervisor decided about a submission.
    ReviewDecision {
        Approve = "approve", "通过", "Approved";
        Return = "return", "退回", "Returned";
    }
}

closed_list! {
    /// 跟踪名单: the lists of those a place follows up until they are cleared.
    FollowUp {
        ZeroEmployment = "zero_employment", "零就业家庭", "Zero-employment households";
        LowIncome = "low_income", "低收入家庭", "Low-income households";
        SeekingWork = "seeking_work", "有就业意愿未就业", "Willing to work, out of work";
    }
}

closed_list! {
    /// 帮扶措施: what a team did for a household or labourer it follows up.
    /// Guidance, referrals and training are the "131" counts: one
    /// guidance, three job referrals and one training for each willing
    /// labourer out of work.
    ActionKind {
        Guidance = "guidance", "职业指导", "Career guidance";
        JobReferral = "job_referral", "岗位推荐", "Job referral";
        Training = "training", "技能培训", "Training enrolled";
        PublicWelfarePost = "public_welfare_post", "公益性岗位安置", "Public-welfare post";
        BusinessSupport = "business_support", "创业扶持", "Business support";
        Other = "other", "其他帮扶", "Other help";
    }
}

closed_list! {
    /// 销号原因: why an item left its follow-up list, read from the
    /// survey that cleared it.
    Clearance {
        Employed = "employed", "已就业", "Found work";
        IncomeAboveLine = "income_above_line", "收入高于监测线", "Income above the line";
        NoLongerSeeking = "no_longer_seeking", "无就业意愿", "No longer seeking work";
        NotLabourer = "not_labourer", "不再计为劳动力", "No longer counted as labour";
        Left = "left", "已减员", "Left the household";
        Removed = "removed", "户已迁出注销", "Household removed";
    }
}

// `closed_list!` derives no `Default`, since most lists have none.
#[allow(clippy::derivable_impls)]
impl Default for SubmissionKind {
    fn default() -> Self {
        SubmissionKind::Survey
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_codes_unique<T: Code>() {
        let mut codes: Vec<_> = T::ALL.iter().map(|v| v.code()).collect();
        codes.sort_unstable();
        let n = codes.len();
        codes.dedup();
        assert_eq!(codes.len(), n, "duplicate code");
        for v in T::ALL {
            assert_eq!(T::from_code(v.code()).map(Code::code), Some(v.code()));
            assert!(!v.zh().is_empty() && !v.en().is_empty());
        }
    }

    #[test]
    fn every_list_has_unique_round_tripping_codes() {
        check_codes_unique::<Sex>();
        check_codes_unique::<Relation>();
        check_codes_unique::<Education>();
        check_codes_unique::<LabourCapacity>();
        check_codes_unique::<EmploymentStatus>();
        check_codes_unique::<Channel>();
        check_codes_unique::<WorkPlace>();
        check_codes_unique::<Training>();
        check_codes_unique::<VisitOutcome>();
        check_codes_unique::<Role>();
        check_codes_unique::<Level>();
        check_codes_unique::<JoinReason>();
        check_codes_unique::<LeaveReason>();
        check_codes_unique::<SubmissionKind>();
        check_codes_unique::<ReviewDecision>();
        check_codes_unique::<FollowUp>();
        check_codes_unique::<ActionKind>();
        check_codes_unique::<Clearance>();
    }

    #[test]
    fn wire_form_is_the_code() {
        let json = serde_json::to_string(&Channel::PublicWelfare).unwrap();
        assert_eq!(json, "\"public_welfare\"");
        let back: Channel = serde_json::from_str(&json).unwrap();
        assert_eq!(back, Channel::PublicWelfare);
    }
}

closed_list! {
    /// Why the capture time a phone gave is doubtful: the server's time
    /// decides the round, and the phone's is kept as it was given.
    ClockDoubt {
        Ahead = "ahead", "采集时间晚于收到时间（手机时间偏快）", "Captured after it arrived (the phone's clock is ahead)";
        BeforeRound = "before_round", "采集时间早于本轮开始（手机时间偏慢）", "Captured before its round began (the phone's clock is behind)";
    }
}
